// The training loop: params initialized from the seed, seeded shuffled minibatches, fresh
// noise draws per step, one JIT kernel computing the loss and every gradient, an optimizer
// step per batch, a progress line per epoch, and the model's `check` statements at the end.
#pragma once
#include "runtime/dataset.h"
#include "runtime/pca.h"
#include "sema/model.h"

#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace aec::runtime {

struct TrainConfig {
  int64_t epochs = 10;
  int64_t batch = 256;
  double lr = 1e-3;
  std::string optimizer = "adam";
  uint64_t seed = 0;
  bool center = false;
  int threads = 1; // for the GEMMs; the fused loops run on the calling thread
};

// The program's `train` statement, then command-line flags on top (flags win).
TrainConfig config_from_model(const Model &m);

struct PcaResult {
  std::string param;
  double max_angle_deg, recon_error, optimal_error;
  Eigen::VectorXd angles_deg;
};

struct TrainResult {
  double initial_loss = 0;        // the first batch's loss, before any update
  double final_loss = 0;          // mean objective over the last epoch
  double samples_per_second = 0;  // training throughput over all epochs
  int64_t epochs = 0;
  double seconds = 0;             // training time, compile excluded
  double compile_ms = 0;          // graph building, optimization and JIT compilation
  std::vector<double> epoch_losses;
  std::vector<PcaResult> pca;
  std::map<std::string, std::vector<float>> params; // per-sample ones: one row per training sample
  std::vector<float> center_mean;                   // the mean subtracted when center=true, else empty
};

// Trains `m` on `data` (centered in place when the config says so). Progress goes to `log`.
// Throws InputError when training diverges (a non-finite loss).
TrainResult train(const Model &m, Dataset &data, const TrainConfig &config, std::ostream &log);

} // namespace aec::runtime
