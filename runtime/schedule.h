// Learning-rate schedules: `constant`, `step[:EVERY[:FACTOR]]` (multiply by FACTOR, default 0.1,
// every EVERY epochs, default a third of the run) and `cosine` (from lr down to 0 over the run,
// step by step).
#pragma once
#include <cstdint>
#include <string>

namespace aec::runtime {

struct Schedule {
  enum Kind { Constant, Step, Cosine } kind = Constant;
  int64_t every = 0;   // Step: epochs between decays (0: a third of the run)
  double factor = 0.1; // Step: the multiplier
};

// Throws InputError naming `what` (the flag or option) for a malformed spelling.
Schedule parse_schedule(const std::string &text, const std::string &what);
std::string to_string(const Schedule &s);

// The learning rate at `step` (0-based) of `total_steps`, in epoch `epoch` (0-based) of `epochs`.
double scheduled_lr(const Schedule &s, double base_lr, int64_t step, int64_t total_steps, int64_t epoch, int64_t epochs);

} // namespace aec::runtime
