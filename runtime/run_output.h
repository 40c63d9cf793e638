// `aec run`: a trained model's named output on every sample of some data. The data is centered
// with the training mean when the model was trained with center=true; every `per sample` param
// is first fitted to each new sample by minimizing the objective with the other params frozen.
#pragma once
#include "runtime/checkpoint.h"
#include "runtime/dataset.h"
#include "runtime/output_file.h"

#include <ostream>
#include <string>

namespace aec::runtime {

struct RunConfig {
  int64_t fit_steps = 200; // Adam steps per batch for per-sample params
  double fit_lr = 0;       // 0: the program's training lr
  bool noise = false;      // draw noise instead of using its expected value
  uint64_t seed = 0;
  int64_t batch = 256;
  int64_t max_memory = 0;  // bytes the run may allocate; 0: what the machine has available
};

// Throws InputError for an unknown output name or a checkpoint of another program.
OutputValues run_output(const Model &m, Dataset &data, const Checkpoint &ckpt, const std::string &output,
                        const RunConfig &config, std::ostream &log);

} // namespace aec::runtime
