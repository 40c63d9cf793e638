// `synthetic:lowrank?n=5000&d=64&rank=8&noise=0.01&seed=1&sample=0`: x = U (s .* g) + noise * e,
// U a d x rank orthonormal basis drawn from `seed`, s spaced evenly from 3 down to 1, g and e
// standard normal from the stream `sample` (sample=1 gives fresh data of the same distribution).
#pragma once
#include "runtime/dataset.h"

#include "support/eigen.h"

namespace aec::runtime {

struct LowRankSpec {
  int64_t n = 5000, d = 64, rank = 8;
  double noise = 0.01;
  uint64_t seed = 1, sample = 0;
};

LowRankSpec parse_lowrank(const std::string &spec);  // throws InputError
Eigen::MatrixXd lowrank_basis(const LowRankSpec &s); // the true U
Dataset synthetic_dataset(const std::string &spec);

} // namespace aec::runtime
