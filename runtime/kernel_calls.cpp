#include "runtime/kernel_calls.h"
#include "runtime/blas_core.h"
#include "runtime/conv_calls.h"
#include "runtime/gemm_onednn.h"
#include "runtime/gemm_record.h"
#include "runtime/work_sharing.h"

#include "support/eigen.h"
#include <cblas.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <string>

// Declared here rather than taken from cblas.h, which Debian's alternatives may point at a
// BLAS without it; the library linked is always OpenBLAS.
extern "C" void openblas_set_num_threads(int num_threads);

namespace {

// Whether products may go to oneDNN (AEC_GEMM=openblas keeps them all on OpenBLAS, to compare).
const bool onednn_products = [] {
  const char *forced = std::getenv("AEC_GEMM");
  return !(forced && std::string(forced) == "openblas");
}();

// One SGEMM on this thread: oneDNN's where it has a brgemm kernel for the shape, else OpenBLAS's.
void sgemm(int32_t ta, int32_t tb, int64_t M, int64_t N, int64_t K, const float *A, int64_t lda, const float *B, int64_t ldb, float *C,
           int64_t ldc, float beta) {
  if (onednn_products && aec::runtime::onednn::gemm(ta != 0, tb != 0, M, N, K, A, lda, B, ldb, C, ldc, beta)) return;
  cblas_sgemm(CblasColMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, static_cast<blasint>(M),
              static_cast<blasint>(N), static_cast<blasint>(K), 1.0f, A, static_cast<blasint>(lda), B, static_cast<blasint>(ldb), beta, C,
              static_cast<blasint>(ldc));
}

// Chunks of `count` for share_work: a fixed cut (at most eight chunks of at least 64, multiples
// of 16 to keep SGEMM's panels whole), the same whatever the team size, so every thread count
// sums in the same order and gives the same bits; the chunks go to whichever thread is free, so
// a core slowed by another process takes fewer.
int64_t grain(int64_t count) {
  int64_t g = (count + 7) / 8;
  g = (g + 15) / 16 * 16;
  return std::max<int64_t>(g, 64);
}

} // namespace

namespace {
void shared_gemm(int32_t ta, int32_t tb, int64_t M, int64_t N, int64_t K, const float *A, int64_t lda, const float *B, int64_t ldb,
                 float *C, int64_t ldc, float beta) {
  if (K == 0) { // an empty sum (a batch of no samples)
    for (int64_t j = 0; j < N; ++j)
      for (int64_t i = 0; i < M; ++i) C[i + j * ldc] *= beta;
    return;
  }
  if (M * N * K < aec::runtime::minimum_shared_work()) return sgemm(ta, tb, M, N, K, A, lda, B, ldb, C, ldc, beta);
  if (N >= M) { // columns j0..j1 of C need columns j0..j1 of op(B)
    aec::runtime::share_work(N, grain(N), [&](int64_t j0, int64_t j1) {
      sgemm(ta, tb, M, j1 - j0, K, A, lda, tb ? B + j0 : B + j0 * ldb, ldb, C + j0 * ldc, ldc, beta);
    });
  } else { // rows i0..i1 of C need rows i0..i1 of op(A)
    aec::runtime::share_work(M, grain(M), [&](int64_t i0, int64_t i1) {
      sgemm(ta, tb, i1 - i0, N, K, ta ? A + i0 * lda : A + i0, lda, B, ldb, C + i0, ldc, beta);
    });
  }
}
} // namespace

extern "C" void aec_gemm(int32_t ta, int32_t tb, int64_t M, int64_t N, int64_t K, const float *A, int64_t lda, const float *B, int64_t ldb,
                         float *C, int64_t ldc, float beta) {
  if (M == 0 || N == 0) return;
  if (!aec::runtime::recording_gemms()) return shared_gemm(ta, tb, M, N, K, A, lda, B, ldb, C, ldc, beta);
  const auto start = std::chrono::steady_clock::now();
  shared_gemm(ta, tb, M, N, K, A, lda, B, ldb, C, ldc, beta);
  aec::runtime::record_gemm({ta != 0, tb != 0, M, N, K}, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
}

extern "C" void aec_gemm_each(int32_t ta, int32_t tb, int64_t M, int64_t N, int64_t K, const float *A, int64_t lda, int64_t stride_a,
                              const float *B, int64_t ldb, int64_t stride_b, float *C, int64_t ldc, int64_t stride_c, int64_t count) {
  auto each = [&](int64_t k0, int64_t k1) {
    for (int64_t k = k0; k < k1; ++k) aec_gemm(ta, tb, M, N, K, A + k * stride_a, lda, B + k * stride_b, ldb, C + k * stride_c, ldc, 0.0f);
  };
  aec::runtime::share_items(count, M * N * K, each);
}

extern "C" void aec_inverse(int64_t n, int64_t count, const float *in, float *out) {
  using MatD = Eigen::MatrixXd;
  using MatF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic>;
  auto each = [&](int64_t k0, int64_t k1) {
    for (int64_t k = k0; k < k1; ++k) {
      MatD a = Eigen::Map<const MatF>(in + k * n * n, n, n).cast<double>();
      Eigen::Map<MatF>(out + k * n * n, n, n) = a.partialPivLu().inverse().cast<float>();
    }
  };
  aec::runtime::share_items(count, n * n * n, each);
}

extern "C" void aec_for_samples(void (*step)(void **, int64_t, int64_t, int64_t), void **slots, int64_t batch, int64_t work) {
  const int64_t team = aec::runtime::team_size();
  if (team == 1 || batch < 2 || 16 * batch * work < aec::runtime::minimum_shared_work()) return step(slots, batch, 0, batch);
  aec::runtime::share_work(batch, (batch + 2 * team - 1) / (2 * team), [&](int64_t b0, int64_t b1) { step(slots, batch, b0, b1); });
}

extern "C" void aec_transpose(int64_t rows, int64_t cols, int64_t count, const float *in, float *out) {
  using Mat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic>;
  for (int64_t k = 0; k < count; ++k) {
    Eigen::Map<const Mat> src(in + k * rows * cols, rows, cols);
    Eigen::Map<Mat> dst(out + k * rows * cols, cols, rows);
    dst = src.transpose();
  }
}

namespace aec::runtime {

namespace {
// aec shares the work itself (work_sharing.h); OpenBLAS runs each piece on the calling thread,
// with the kernels of this CPU's widest vectors (blas_core.h).
const bool openblas_ready = (ensure_blas_kernels(), openblas_set_num_threads(1), true);
} // namespace

const std::vector<codegen::ExternalSymbol> &kernel_calls() {
  static const std::vector<codegen::ExternalSymbol> calls = {
      {"aec_gemm", reinterpret_cast<void *>(&aec_gemm)},
      {"aec_transpose", reinterpret_cast<void *>(&aec_transpose)},
      {"aec_gemm_each", reinterpret_cast<void *>(&aec_gemm_each)},
      {"aec_inverse", reinterpret_cast<void *>(&aec_inverse)},
      {"aec_for_samples", reinterpret_cast<void *>(&aec_for_samples)},
      {"aec_conv", reinterpret_cast<void *>(&aec_conv)},
      {"aec_conv_t", reinterpret_cast<void *>(&aec_conv_t)},
      {"aec_conv_filter", reinterpret_cast<void *>(&aec_conv_filter)},
  };
  return calls;
}

} // namespace aec::runtime
