#include "codegen/runtime_calls.h"

#include <Eigen/Core>
#include <cblas.h>

// Declared here rather than taken from cblas.h, which Debian's alternatives may point at a
// BLAS without it; the library linked is always OpenBLAS.
extern "C" void openblas_set_num_threads(int num_threads);

extern "C" void aec_gemm(int32_t ta, int32_t tb, int64_t M, int64_t N, int64_t K, const float *A, int64_t lda,
                         const float *B, int64_t ldb, float *C, int64_t ldc) {
  if (M == 0 || N == 0) return;
  if (K == 0) { // an empty sum (a batch of no samples)
    for (int64_t j = 0; j < N; ++j)
      for (int64_t i = 0; i < M; ++i) C[i + j * ldc] = 0.0f;
    return;
  }
  cblas_sgemm(CblasColMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, static_cast<blasint>(M),
              static_cast<blasint>(N), static_cast<blasint>(K), 1.0f, A, static_cast<blasint>(lda), B, static_cast<blasint>(ldb), 0.0f,
              C, static_cast<blasint>(ldc));
}

extern "C" void aec_transpose(int64_t rows, int64_t cols, int64_t count, const float *in, float *out) {
  using Mat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic>;
  for (int64_t k = 0; k < count; ++k) {
    Eigen::Map<const Mat> src(in + k * rows * cols, rows, cols);
    Eigen::Map<Mat> dst(out + k * rows * cols, cols, rows);
    dst = src.transpose();
  }
}

namespace aec::codegen {

void set_gemm_threads(int n) { openblas_set_num_threads(n); }

const std::vector<RuntimeCall> &runtime_calls() {
  static const std::vector<RuntimeCall> calls = {
      {"aec_gemm", reinterpret_cast<void *>(&aec_gemm)},
      {"aec_transpose", reinterpret_cast<void *>(&aec_transpose)},
  };
  return calls;
}

} // namespace aec::codegen
