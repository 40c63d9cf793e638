// Eigen interop for the embedding API: data from an Eigen matrix (one sample per row) and
// outputs as one (one sample per row). Header-only; include it where Eigen is available.
#pragma once
#include <aec/aec.h>

#include <Eigen/Core>

namespace aec {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Any Eigen matrix or expression of samples as rows, converted to float.
template <class Derived> Data from_eigen(const Eigen::MatrixBase<Derived> &samples) {
  RowMatrix rows = samples.template cast<float>();
  return Data::from_rows(rows.data(), rows.rows(), rows.cols());
}

// Samples as rows, each sample's rows x cols values flattened column-major.
inline RowMatrix to_eigen(const Output &o) { return Eigen::Map<const RowMatrix>(o.values.data(), o.samples, o.rows * o.cols); }

} // namespace aec
