#include "codegen/runtime_calls.h"

#include <Eigen/Core>

namespace {
using Mat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic>;
using CMap = Eigen::Map<const Mat, 0, Eigen::OuterStride<>>;
using MMap = Eigen::Map<Mat, 0, Eigen::OuterStride<>>;
} // namespace

extern "C" void aec_gemm(int32_t ta, int32_t tb, int64_t M, int64_t N, int64_t K, const float *A, int64_t lda,
                         const float *B, int64_t ldb, float *C, int64_t ldc) {
  MMap c(C, M, N, Eigen::OuterStride<>(ldc));
  if (K == 0) {
    c.setZero();
    return;
  }
  CMap a(A, ta ? K : M, ta ? M : K, Eigen::OuterStride<>(lda));
  CMap b(B, tb ? N : K, tb ? K : N, Eigen::OuterStride<>(ldb));
  if (!ta && !tb) c.noalias() = a * b;
  else if (ta && !tb) c.noalias() = a.transpose() * b;
  else if (!ta && tb) c.noalias() = a * b.transpose();
  else c.noalias() = a.transpose() * b.transpose();
}

extern "C" void aec_transpose(int64_t rows, int64_t cols, int64_t count, const float *in, float *out) {
  for (int64_t k = 0; k < count; ++k) {
    Eigen::Map<const Mat> src(in + k * rows * cols, rows, cols);
    Eigen::Map<Mat> dst(out + k * rows * cols, cols, rows);
    dst = src.transpose();
  }
}

namespace aec::codegen {

const std::vector<RuntimeCall> &runtime_calls() {
  static const std::vector<RuntimeCall> calls = {
      {"aec_gemm", reinterpret_cast<void *>(&aec_gemm)},
      {"aec_transpose", reinterpret_cast<void *>(&aec_transpose)},
  };
  return calls;
}

} // namespace aec::codegen
