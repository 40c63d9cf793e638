// Moving data into a kernel's buffers for one batch: the samples, the rows of every per-sample
// param, and the noise draws (fresh, or at their expected value outside training).
#pragma once
#include "runtime/dataset.h"
#include "runtime/executor.h"
#include "sema/model.h"

#include <map>
#include <random>
#include <string>
#include <vector>

namespace aec::runtime {

using ParamStore = std::map<std::string, std::vector<float>>;

// Shared params are read in place; `per sample` ones are gathered row by row for each batch.
void bind_shared_params(Executor &ex, const Model &m, ParamStore &params);

// The samples order[start, start + count) and their rows of every per-sample param.
void load_batch(Executor &ex, const Model &m, const Dataset &d, ParamStore &params, const std::vector<int64_t> &order, int64_t start,
                int64_t count);

// Fresh noise for every draw of the kernel.
void draw_noise(Executor &ex, int64_t batch, std::mt19937_64 &rng);
// The draws of one batch: one generator and one pair of distributions for all its noise nodes
// (a normal distribution keeps its second value for the next draw), so drawing node by node
// gives what draw_noise gives.
struct NoiseDraws {
  std::mt19937_64 &rng;
  std::normal_distribution<float> normal{};
  std::uniform_real_distribution<float> unit{};
  // `count` fresh draws of the noise node `noise` (randn, randu or bernoulli).
  void draw(const ir::Node &noise, float *out, int64_t count);
};
// Noise at its expected value: evaluation outside training.
void mean_noise(Executor &ex, int64_t batch);

} // namespace aec::runtime
