#include "runtime/step_profile.h"

#include <atomic>
#include <chrono>
#include <mutex>

namespace aec::runtime {

namespace {
using Clock = std::chrono::steady_clock;

std::atomic<bool> profiling{false};
std::mutex times_mutex;
KernelTimes times;
StepTime pending; // the products of the step in progress, under times_mutex
thread_local Clock::time_point step_start;
} // namespace

std::string gemm_library_names(unsigned libraries) {
  if (libraries == (kOneDnn | kOpenBlas)) return "oneDNN and OpenBLAS";
  if (libraries == kOneDnn) return "oneDNN";
  if (libraries == kOpenBlas) return "OpenBLAS";
  return "";
}

void start_profiling() {
  std::lock_guard<std::mutex> lock(times_mutex);
  times.clear();
  pending = {};
  profiling.store(true, std::memory_order_relaxed);
}

KernelTimes stop_profiling() {
  profiling.store(false, std::memory_order_relaxed);
  std::lock_guard<std::mutex> lock(times_mutex);
  return std::move(times);
}

void add_product_to_step(const GemmShape &shape, unsigned libraries) {
  if (!profiling.load(std::memory_order_relaxed)) return;
  std::lock_guard<std::mutex> lock(times_mutex);
  if (pending.products++ == 0) pending.shape = shape;
  pending.flops += shape.flops();
  pending.libraries |= libraries;
}

} // namespace aec::runtime

extern "C" void aec_profile_mark(const void *kernel, int64_t step) {
  using namespace aec::runtime;
  const Clock::time_point now = Clock::now();
  if (!profiling.load(std::memory_order_relaxed)) return;
  std::lock_guard<std::mutex> lock(times_mutex);
  if (step >= 0) {
    std::vector<StepTime> &steps = times[static_cast<const aec::codegen::Kernel *>(kernel)];
    if (steps.size() <= size_t(step)) steps.resize(size_t(step) + 1);
    StepTime &t = steps[size_t(step)];
    ++t.runs;
    t.seconds += std::chrono::duration<double>(now - step_start).count();
    if (pending.products > 0 && t.products == 0) t.shape = pending.shape;
    t.products += pending.products;
    t.flops += pending.flops;
    t.libraries |= pending.libraries;
  }
  pending = {};
  step_start = now;
}
