// Where a training step's time goes, step by step of its kernels (aec train --profile): a kernel
// compiled with CodegenOptions::profile marks the start of its run and the end of every step
// (aec_profile_mark); the products a step runs add their floating-point operations and the
// library that ran them to it. Off, nothing is recorded and the kernels carry no marks.
#pragma once
#include "codegen/kernel.h"
#include "runtime/gemm_record.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace aec::runtime {

// The libraries a product ran on (a product cut among threads may use both).
enum GemmLibrary : unsigned { kOneDnn = 1, kOpenBlas = 2 };
std::string gemm_library_names(unsigned libraries); // "oneDNN", "OpenBLAS", "oneDNN and OpenBLAS"

// One step of a kernel, over every run while profiling.
struct StepTime {
  int64_t runs = 0;
  double seconds = 0;
  // Its products (aec_gemm calls): how many, their floating-point operations, the first one's
  // shape (a step's products share it) and the libraries that ran them.
  int64_t products = 0;
  double flops = 0;
  GemmShape shape;
  unsigned libraries = 0;
};

// By kernel (the address aec_profile_mark is given): its steps' times, by step index.
using KernelTimes = std::map<const codegen::Kernel *, std::vector<StepTime>>;

// Starts profiling (from nothing recorded); stop returns what the profiled kernels did and turns
// profiling off. (Recording the products by shape, gemm_record.h, is separate.)
void start_profiling();
KernelTimes stop_profiling();

// Profiling for as long as it lives (stopped at the latest by its destructor, when an exception
// leaves the run).
class ProfilingSession {
public:
  ProfilingSession() { start_profiling(); }
  ~ProfilingSession() {
    if (!stopped_) stop_profiling();
  }
  ProfilingSession(const ProfilingSession &) = delete;
  ProfilingSession &operator=(const ProfilingSession &) = delete;
  KernelTimes stop() {
    stopped_ = true;
    return stop_profiling();
  }

private:
  bool stopped_ = false;
};

// For the products (aec_gemm, the convolutions): one of the step in progress; nothing unless
// profiling (one relaxed atomic load).
void add_product_to_step(const GemmShape &shape, unsigned libraries);

} // namespace aec::runtime

extern "C" {
// Called by profiled kernels: step -1 when a run starts, else when step `step` ends.
void aec_profile_mark(const void *kernel, int64_t step);
}
