#include "codegen/runtime_calls.h"

#include <Eigen/Dense>
#include <cblas.h>

// Declared here rather than taken from cblas.h, which Debian's alternatives may point at a
// BLAS without it; the library linked is always OpenBLAS.
extern "C" void openblas_set_num_threads(int num_threads);

extern "C" void aec_gemm(int32_t ta, int32_t tb, int64_t M, int64_t N, int64_t K, const float *A, int64_t lda,
                         const float *B, int64_t ldb, float *C, int64_t ldc, float beta) {
  if (M == 0 || N == 0) return;
  if (K == 0) { // an empty sum (a batch of no samples)
    for (int64_t j = 0; j < N; ++j)
      for (int64_t i = 0; i < M; ++i) C[i + j * ldc] *= beta;
    return;
  }
  cblas_sgemm(CblasColMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, static_cast<blasint>(M),
              static_cast<blasint>(N), static_cast<blasint>(K), 1.0f, A, static_cast<blasint>(lda), B, static_cast<blasint>(ldb), beta,
              C, static_cast<blasint>(ldc));
}

extern "C" void aec_gemm_each(int32_t ta, int32_t tb, int64_t M, int64_t N, int64_t K, const float *A, int64_t lda,
                              int64_t stride_a, const float *B, int64_t ldb, int64_t stride_b, float *C, int64_t ldc,
                              int64_t stride_c, int64_t count) {
  for (int64_t k = 0; k < count; ++k) aec_gemm(ta, tb, M, N, K, A + k * stride_a, lda, B + k * stride_b, ldb, C + k * stride_c, ldc, 0.0f);
}

extern "C" void aec_inverse(int64_t n, int64_t count, const float *in, float *out) {
  using MatD = Eigen::MatrixXd;
  using MatF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic>;
  for (int64_t k = 0; k < count; ++k) {
    MatD a = Eigen::Map<const MatF>(in + k * n * n, n, n).cast<double>();
    Eigen::Map<MatF>(out + k * n * n, n, n) = a.partialPivLu().inverse().cast<float>();
  }
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
      {"aec_gemm_each", reinterpret_cast<void *>(&aec_gemm_each)},
      {"aec_inverse", reinterpret_cast<void *>(&aec_inverse)},
  };
  return calls;
}

} // namespace aec::codegen
