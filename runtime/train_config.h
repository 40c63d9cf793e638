// How a model is trained: the program's `train` statement with command-line flags on top. Saved
// in checkpoints, so that a resumed run continues with the settings it started with.
#pragma once
#include "runtime/schedule.h"

#include <cstdint>
#include <string>

namespace aec::runtime {

struct TrainConfig {
  int64_t epochs = 10;
  int64_t batch = 256;
  double lr = 1e-3;
  std::string optimizer = "adam";
  uint64_t seed = 0;
  bool center = false;
  Schedule schedule;     // of the learning rate
  double clip = 0;       // > 0: gradients scaled down to this global L2 norm when above it
  double val = 0;        // the fraction of samples held out for validation (0: none)
  int64_t patience = 0;  // > 0: stop when the validation loss has not improved for this many epochs
  int threads = 0;       // cores for kernels; 0: every core the process may use. Not saved: every
                         // count gives the same bits (work_sharing.h), so a resumed run may change it
};

} // namespace aec::runtime
