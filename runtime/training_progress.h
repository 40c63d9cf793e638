// Where a training run stands between two steps: everything beyond the params that it needs to
// continue bit for bit (settings, position in the data, the RNG, the optimizer's state, losses
// so far, early-stopping state). Checkpoints carry it; `--resume` starts from it.
#pragma once
#include "runtime/optimizer.h"
#include "runtime/train_config.h"

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

namespace aec::runtime {

class Reader;
class Writer;

struct TrainingProgress {
  TrainConfig config;
  int64_t epoch = 0;             // epochs completed
  int64_t position = 0;          // training samples of the current epoch already stepped over
  int64_t step = 0;              // optimizer steps taken
  std::string rng;               // the std::mt19937_64 state as the standard library writes it
  std::vector<int64_t> order;    // the current epoch's order of the training samples
  std::vector<int64_t> held_out; // the validation samples
  uint64_t data_fingerprint = 0; // of the samples the run started on, so a resume on other data is refused
  double epoch_loss_sum = 0;     // of the current epoch so far (per-sample losses x batch sizes)
  double initial_loss = 0;       // the first batch's loss
  std::vector<double> epoch_losses, val_losses;
  double best_val = std::numeric_limits<double>::infinity();
  int64_t best_epoch = 0;
  std::map<std::string, std::vector<float>> best_params; // with early stopping: the params at best_epoch
  // Batch statistics (Model::batch_statistics): each one's batch values summed over the current
  // epoch's steps so far, and the average over the last complete epoch (what aec run uses).
  std::map<std::string, std::vector<double>> batch_mean_sums;
  int64_t batch_mean_steps = 0;
  std::map<std::string, std::vector<float>> batch_means;
  std::map<std::string, std::vector<float>> best_batch_means; // with early stopping: batch_means at best_epoch
  OptimizerState optimizer;
};

// Checkpoint sections "config", "progress", "optimizer", "batch_stats", "best" and "best_stats".
void write_progress(Writer &file, const TrainingProgress &p);
bool is_progress_section(const std::string &tag);
// Reads one of those sections into `p`.
void read_progress_section(const std::string &tag, Reader &section, TrainingProgress &p);
// What in `p`, read from a checkpoint of `samples` samples whose params hold `param_sizes` floats,
// contradicts the rest (an index out of range, a setting no run has), or "".
std::string progress_inconsistency(const TrainingProgress &p, int64_t samples, const std::map<std::string, size_t> &param_sizes);

} // namespace aec::runtime
