// PCA/SVD facts about a data set, and the `check pca(B)` comparison of a learned basis with the
// principal subspace (principal angles, Eckart–Young optimum).
#pragma once
#include "runtime/dataset.h"

#include "support/eigen.h"

namespace aec::runtime {

struct Spectrum {
  Eigen::VectorXd singular_values; // of X (samples as columns), descending
  Eigen::MatrixXd directions;      // left singular vectors, same order
  int64_t n = 0;
  // Eckart–Young: the least mean squared error of a rank-k reconstruction,
  // sum_{i > k} s_i^2 / n.
  double optimal_error(int64_t k) const;
  double explained_variance(int64_t k) const; // fraction of sum s_i^2 in the top k
};

// SVD of X (the columns `c` of every sample) through Eigen's BDCSVD of the Gram matrix X X'
// (width x width), which costs one GEMM over the data and is exact up to rounding: X X' = U S^2 U'.
// The Gram matrix is summed over blocks of kGramBlock samples along tree_sum.h's fixed tree, the
// blocks shared out among the run's processes (runtime/world.h): one process or many, the same
// bits, and a mapped data set is read block by block, never held whole.
Spectrum spectrum(const Dataset &d, const InputColumns &c);
Spectrum spectrum(const Dataset &d); // every column
inline constexpr int64_t kGramBlock = 4096;

struct PcaCheck {
  Eigen::VectorXd angles_deg; // principal angles between span(B) and the top-k subspace
  double max_angle_deg = 0;
  double optimal_error = 0;
};

// B is width x k, column-major.
PcaCheck check_pca(const Spectrum &s, const float *b, int64_t width, int64_t k);

} // namespace aec::runtime
