// `aec train --profile`: a training step's time as rows (each step of the kernels, the data
// gathering, the optimizer update, MPI's sums), each with its share of the step.
#pragma once
#include "runtime/step_profile.h"
#include "sema/model.h"

#include <string>
#include <vector>

namespace aec::runtime {

struct ProfileRow {
  std::string kind;    // "product", "convolution", "loop", "data", "update", "mpi", "chunks"
  std::string what;    // what ran, with where the program wrote it
  double seconds = 0;  // per training step
  double share = 0;    // of the step's wall time
  std::string shape;   // products: M x N x K of the column-major GEMM and its transposes ("NT");
                       // convolutions: of the GEMM they lower to, over the batch
  std::string library; // products and convolutions: which library ran them
  double gflops = 0;   // products and convolutions: their speed
};

struct StepProfile {
  int64_t steps = 0;
  double step_seconds = 0;        // a training step's mean wall time
  std::vector<ProfileRow> rows;   // the largest first
  double unaccounted_seconds = 0; // of a step, in no row (may be slightly negative: timer overhead)
  double unaccounted_share() const { return step_seconds > 0 ? unaccounted_seconds / step_seconds : 0; }
};

// A kernel of the step and what it is, for the rows' text ("" for the training step itself).
struct ProfiledKernel {
  const codegen::Kernel *kernel;
  std::string role;
};

// One row per step of the profiled kernels that ran, its time divided over `steps` training steps.
std::vector<ProfileRow> kernel_rows(const Model &m, const KernelTimes &times, const std::vector<ProfiledKernel> &kernels, int64_t steps);

// The profile of `steps` training steps taking `seconds` in all, from its rows: their shares,
// the largest first, and the time no row accounts for.
StepProfile make_profile(std::vector<ProfileRow> rows, int64_t steps, double seconds);

} // namespace aec::runtime
