#include "runtime/kernel_calls.h"
#include "runtime/blas_core.h"
#include "runtime/conv_calls.h"
#include "runtime/step_profile.h"
#include "runtime/work_sharing.h"

#include "support/eigen.h"

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

// Declared here rather than taken from cblas.h, which Debian's alternatives may point at a
// BLAS without it; the library linked is always OpenBLAS.
extern "C" void openblas_set_num_threads(int num_threads);

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
      {"aec_gemm_bf16", reinterpret_cast<void *>(&aec_gemm_bf16)},
      {"aec_gemm_each_bf16", reinterpret_cast<void *>(&aec_gemm_each_bf16)},
      {"aec_inverse", reinterpret_cast<void *>(&aec_inverse)},
      {"aec_for_samples", reinterpret_cast<void *>(&aec_for_samples)},
      {"aec_conv", reinterpret_cast<void *>(&aec_conv)},
      {"aec_conv_t", reinterpret_cast<void *>(&aec_conv_t)},
      {"aec_conv_filter", reinterpret_cast<void *>(&aec_conv_filter)},
      {"aec_profile_mark", reinterpret_cast<void *>(&aec_profile_mark)},
  };
  return calls;
}

} // namespace aec::runtime
