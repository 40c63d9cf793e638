// Owns the memory a compiled kernel runs on: its temporaries, the input batch and the noise
// draws, sized for the largest batch; params are bound by pointer to the caller's storage.
#pragma once
#include "codegen/kernel.h"
#include "driver/compile.h"

#include <string>
#include <vector>

namespace aec::runtime {

// How the runtime has its kernels compiled: for batches of `batch` samples on a team of `threads`
// (runtime/work_sharing.h), with the runtime's calls (runtime/kernel_calls.h) to link against.
struct KernelVariant {
  bool profile = false;           // every step timed (runtime/step_profile.h)
  bool bfloat16_products = false; // --precision bf16 (runtime/bfloat16.h)
};
driver::Options kernel_options(int64_t batch, int threads, KernelVariant variant = {});

class Executor {
public:
  Executor(const codegen::Kernel &kernel, int64_t max_batch);

  // What the constructor allocates: one entry per workspace block and per buffer of its own, with
  // a node that lives there (the largest), for memory plans made before allocating.
  struct Allocation {
    int64_t floats;
    ir::NodeId node;
  };
  static std::vector<Allocation> allocations(const codegen::Kernel &kernel, int64_t max_batch);

  void bind_param(const std::string &name, float *data); // numel floats, kept by the caller
  // A `per sample` param's rows for the current batch (numel x max_batch, owned here), or
  // nullptr when the kernel does not read it.
  float *per_sample_param(const std::string &name);
  // The input's buffer (width x max_batch, sample after sample), or nullptr when the kernel does
  // not read it.
  float *input(const std::string &name);
  struct NoiseBuffer {
    const ir::Node *node;
    float *data; // numel x max_batch
  };
  std::vector<NoiseBuffer> &noise() { return noise_; }

  // Runs the kernel on the first `batch` samples. Every param must be bound.
  void run(int64_t batch);
  const float *output(const std::string &name) const; // valid until the next run
  int64_t max_batch() const { return max_batch_; }
  const codegen::Kernel &kernel() const { return kernel_; }

private:
  const codegen::Kernel &kernel_;
  int64_t max_batch_;
  std::vector<std::vector<float>> owned_;
  std::vector<float *> slots_;
  std::vector<NoiseBuffer> noise_;
};

} // namespace aec::runtime
