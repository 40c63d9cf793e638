// `aec run`: a trained model's named output on every sample of some data. The data is centered
// with the training mean when the model was trained with center=true. On the samples the model
// was trained on, `per sample` params keep their trained rows; on other data each that the
// output reads is first fitted to each sample by minimizing the objective, the rest frozen.
#pragma once
#include "runtime/checkpoint.h"
#include "runtime/dataset.h"
#include "runtime/output_file.h"

#include <ostream>
#include <string>

namespace aec::runtime {

// The fit's starting step size when --fit-lr is not given: rows fitted from their initializer
// must travel far in 200 steps, further than training's small lr takes them (a factorization's
// objective after 200 steps: 5.07 at 1e-3, 1.43 at 3e-2).
inline constexpr double kDefaultFitLr = 0.05;

struct RunConfig {
  int64_t fit_steps = 200; // at most this many Adam steps per batch for per-sample params
  double fit_lr = 0;       // 0: kDefaultFitLr
  bool noise = false;      // draw noise instead of using its expected value
  uint64_t seed = 0;
  int64_t batch = 256;
  int64_t max_memory = 0; // bytes the run may allocate; 0: what the machine has available
};

// Throws InputError for an unknown output name or a checkpoint of another program.
OutputValues run_output(const Model &m, Dataset &data, const Checkpoint &ckpt, const std::string &output, const RunConfig &config,
                        std::ostream &log);

} // namespace aec::runtime
