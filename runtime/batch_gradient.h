// One training step's loss and gradients for a batch, on this process alone (one run of the
// training kernel over the whole batch) or across the run's processes (runtime/world.h): the
// batch is cut into chunks fixed by its size alone, each process runs the kernel on its share of
// the chunks, and the chunks' gradients meet in one fixed tree (runtime/tree_sum.h), so that any
// number of processes gives the same bits.
#pragma once
#include "runtime/batch_io.h"
#include "runtime/chunked_statistics.h"
#include "runtime/world.h"

#include <functional>
#include <random>
#include <vector>

namespace aec::runtime {

struct BatchGradient {
  double loss = 0;                       // the batch's mean loss
  std::vector<const float *> grad;       // by m.params: the gradient of the mean loss (per-sample: the batch's rows)
  std::vector<const float *> statistics; // by m.batch_statistics: the batch's value of each
};

class StepComputer {
public:
  // `ex`: the training kernel's executor, sized for the batch; `batch`: the configured batch size,
  // which fixes the chunks. A data-parallel run of a model with batch statistics passes
  // `statistics` (made for chunk_samples(batch)), and `ex` runs its step_request().
  StepComputer(const Model &m, Executor &ex, const World &world, int64_t batch, ChunkedStatistics *statistics = nullptr);

  // Samples order[start, start + count), noise drawn from `rng` for the whole batch (every process
  // draws the same). Pointers are valid until the next call.
  BatchGradient compute(const Dataset &d, ParamStore &params, const std::vector<int64_t> &order, int64_t start, int64_t count,
                        std::mt19937_64 &rng);

  // Puts the last computed batch, samples and noise, into the executor whole (after compute, for
  // evaluating it again: locating a NaN).
  void reload_batch(const Dataset &d, ParamStore &params, const std::vector<int64_t> &order, int64_t start, int64_t count);

  // The chunks a batch is cut into across processes: a number of samples fixed by the configured
  // batch size (the last chunk of a batch may hold fewer), the same for any number of processes:
  // an eighth of the batch between 32 and 128 (a kernel run on 32 samples costs deep_ae twice
  // as much a sample as on 128, measured), and at least batch / 256, so that up to 256
  // processes have a chunk each.
  static int64_t chunk_samples(int64_t batch);

  // Wall time spent running the kernel on chunks and weighting their gradients (distributed).
  double chunk_seconds() const { return chunk_seconds_; }
  // Wall time spent putting samples and noise draws into the kernel's buffers.
  double gather_seconds() const { return gather_seconds_; }
  // Distributed: weighting each chunk's outputs by its share of the batch (part of
  // chunk_seconds()), and adding up the chunks along the fixed tree (outside MPI's calls).
  double weigh_seconds() const { return weigh_seconds_; }
  double tree_seconds() const { return tree_seconds_; }

private:
  const Model &m_;
  Executor &ex_;
  const World &world_;
  ChunkedStatistics *statistics_;
  std::vector<int64_t> offset_;           // by m.params: where a shared param's gradient sits in a chunk's vector
  int64_t length_ = 0;                    // the shared gradients' floats; the loss follows them
  std::vector<std::vector<float>> noise_; // the whole batch's draws, by ex_.noise()
  int64_t chunk_ = 0;                     // chunk_samples(batch)
  double chunk_seconds_ = 0, gather_seconds_ = 0, weigh_seconds_ = 0, tree_seconds_ = 0;
  std::vector<float> shared_;            // their sum over the batch
  std::vector<std::vector<float>> rows_; // by m.params: per-sample gradient rows of the batch

  // The batch being computed, distributed.
  struct Batch {
    const Dataset &d;
    ParamStore &params;
    const std::vector<int64_t> &order;
    int64_t start, count;
  };
  BatchGradient distributed(const Batch &b, std::mt19937_64 &rng);
  size_t noise_index(const ir::Node &noise) const; // where noise_ holds the draws of this noise node
  // world_.tree_sum of the chunks' `leaf` (a chunk run and weighted), its leaves' time counted in
  // chunk_seconds(), its own (adding up, outside MPI) in tree_seconds().
  void sum_tree(int64_t chunks, int64_t length, const TreeLeaf &leaf, float *out);
  // Runs `ex` on chunk c of the batch, its samples and their noise; returns its samples.
  int64_t run_chunk(Executor &ex, const Batch &b, int64_t c);
  // Each chunk's `outputs` of `ex`, weighted by its share of the batch, summed over the chunks.
  void sum_over_chunks(Executor &ex, const Batch &b, const std::vector<ChunkOutput> &outputs, int64_t length, float *sum);
};

} // namespace aec::runtime
