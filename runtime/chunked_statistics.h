// Batch statistics (batch_mean) in a training step whose batch is cut into chunks across
// processes (runtime/batch_gradient.h). No chunk sees the whole batch, so each statistic is a
// param that the step sets before the chunks run, and the gradient that flows through it comes
// back through a second param, its cotangent (driver::Statistics::Chunked):
//
//   with s_k = the batch's mean of h_k (a per-sample value that may read lower statistics) and
//   L the loss, the gradient of L is that of  L + sum_k <c_k, mean of h_k>  with every s_k held
//   at its value and c_k = dL/ds_k, the total derivative.
//
// A step therefore sums over the batch's chunks several times: the statistics, level by level
// (batch normalization's variance reads its mean); the cotangents, from the highest level down
// (the surrogate's derivative by a statistic is its total one once the cotangents of the
// statistics that read it are set); then the surrogate's gradients, the step itself. Each sum runs
// along the same fixed tree, so any number of processes gives the same bits.
#pragma once
#include "runtime/batch_io.h"
#include "runtime/executor.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace aec::runtime {

// One output of a kernel run on a chunk, summed over the chunks (weighted by their share of the
// batch) into floats [offset, offset + numel) of a vector.
struct ChunkOutput {
  std::string name;
  int64_t offset, numel;
};

class ChunkedStatistics {
public:
  // Compiles the passes for chunks of at most `chunk` samples on a team of `threads` (their
  // buffers are allocated by bind()), compiled as `variant` says.
  ChunkedStatistics(const Model &m, int64_t chunk, int threads, KernelVariant variant = {});

  // The training step's kernel to use with these statistics: the loss and the surrogate's
  // gradients, every statistic and cotangent a param.
  static driver::Request step_request(const Model &m);

  // Binds the statistics and cotangents into `ex` (the step's executor), and the shared params
  // into the passes' own executors, which it allocates the first time.
  void bind(Executor &ex, ParamStore &params);

  // Sums `outputs` of `ex` over the current batch's chunks into `sum` (`length` floats), each
  // chunk loaded with its samples and noise.
  using SumOverChunks = std::function<void(Executor &ex, const std::vector<ChunkOutput> &outputs, int64_t length, float *sum)>;
  // This batch's statistics, then their cotangents.
  void compute(const SumOverChunks &sum_over_chunks);

  const float *value(size_t k) const { return values_[k].data(); } // by Model::batch_statistics

  // For the memory plan: each pass's kernel, run on at most chunk() samples.
  std::vector<const codegen::Kernel *> kernels() const;
  int64_t chunk() const { return chunk_; }

private:
  struct Pass {
    std::vector<size_t> statistics; // by Model::batch_statistics: those the pass computes
    bool cotangents;                // else the statistics' values
    std::vector<ChunkOutput> outputs;
    int64_t length = 0;
    std::unique_ptr<codegen::Kernel> kernel;
    std::optional<Executor> ex;
  };
  const Model &m_;
  int64_t chunk_;
  std::vector<Pass> passes_;                            // in the order they run
  std::vector<std::vector<float>> values_, cotangents_; // by Model::batch_statistics
  std::vector<float> sum_;
};

} // namespace aec::runtime
