#include "runtime/schedule.h"
#include "source/diagnostics.h"

#include <cmath>
#include <numbers>
#include <sstream>

namespace aec::runtime {

namespace {

std::vector<std::string> split_colons(const std::string &s) {
  std::vector<std::string> parts;
  std::stringstream ss(s);
  std::string part;
  while (std::getline(ss, part, ':')) parts.push_back(part);
  if (!s.empty() && s.back() == ':') parts.push_back("");
  return parts;
}

} // namespace

Schedule parse_schedule(const std::string &text, const std::string &what) {
  auto bad = [&](const std::string &why) -> InputError {
    return InputError(what + " " + text + ": " + why + " (expected constant, step[:EVERY[:FACTOR]] or cosine)");
  };
  std::vector<std::string> parts = split_colons(text);
  Schedule s;
  if (parts.empty()) throw bad("empty");
  if (parts[0] == "constant" && parts.size() == 1) return s;
  if (parts[0] == "cosine" && parts.size() == 1) {
    s.kind = Schedule::Cosine;
    return s;
  }
  if (parts[0] != "step" || parts.size() > 3) throw bad("unknown schedule");
  s.kind = Schedule::Step;
  try {
    size_t used = 0;
    if (parts.size() > 1) {
      s.every = std::stoll(parts[1], &used);
      if (used != parts[1].size() || s.every < 1) throw bad("EVERY must be a positive number of epochs");
    }
    if (parts.size() > 2) {
      s.factor = std::stod(parts[2], &used);
      if (used != parts[2].size() || !(s.factor > 0 && s.factor <= 1)) throw bad("FACTOR must be in (0, 1]");
    }
  } catch (const std::logic_error &) { // stoll / stod on something that is not a number
    throw bad("EVERY and FACTOR must be numbers");
  }
  return s;
}

std::string to_string(const Schedule &s) {
  switch (s.kind) {
  case Schedule::Constant: return "constant";
  case Schedule::Cosine: return "cosine";
  case Schedule::Step: {
    std::ostringstream os;
    os << "step:" << s.every << ":" << s.factor;
    return os.str();
  }
  }
  return "constant";
}

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
