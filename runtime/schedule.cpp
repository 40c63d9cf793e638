#include "runtime/schedule.h"

#include <cmath>
#include <numbers>

namespace aec::runtime {

double scheduled_lr(const Schedule &s, double base_lr, int64_t step, int64_t total_steps, int64_t epoch, int64_t epochs) {
  switch (s.kind) {
  case Schedule::Constant: return base_lr;
  case Schedule::Step: {
    int64_t every = s.every > 0 ? s.every : std::max<int64_t>(1, (epochs + 2) / 3);
    return base_lr * std::pow(s.factor, double(epoch / every));
  }
  case Schedule::Cosine:
    // lr/2 (1 + cos(pi t / T)): lr at the first step, approaching 0 at the last.
    return total_steps > 0 ? 0.5 * base_lr * (1 + std::cos(std::numbers::pi * double(step) / double(total_steps))) : base_lr;
  }
  return base_lr;
}

} // namespace aec::runtime
