// The learning rate a schedule (support/train_options.h: constant, step[:EVERY[:FACTOR]],
// cosine) gives at each step.
#pragma once
#include "support/train_options.h"

#include <cstdint>

namespace aec::runtime {

// The learning rate at `step` (0-based) of `total_steps`, in epoch `epoch` (0-based) of `epochs`.
double scheduled_lr(const Schedule &s, double base_lr, int64_t step, int64_t total_steps, int64_t epoch, int64_t epochs);

} // namespace aec::runtime
