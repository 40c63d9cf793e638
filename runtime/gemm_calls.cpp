// The kernels' products (aec_gemm, aec_gemm_each and their bfloat16 forms, kernel_calls.h): cut
// into a fixed set of pieces shared by the team's threads, each piece through oneDNN where it has
// a brgemm kernel for it, else OpenBLAS; recorded by shape and step while profiling.
#include "runtime/bfloat16.h"
#include "runtime/gemm_onednn.h"
#include "runtime/gemm_record.h"
#include "runtime/kernel_calls.h"
#include "runtime/step_profile.h"
#include "runtime/work_sharing.h"

#include <cblas.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

using aec::runtime::GemmLibrary;

// Whether products may go to oneDNN (AEC_GEMM=openblas keeps them all on OpenBLAS, to compare).
const bool onednn_products = [] {
  const char *forced = std::getenv("AEC_GEMM");
  return !(forced && std::string(forced) == "openblas");
}();

// One float32 SGEMM on this thread: oneDNN's where it has a brgemm kernel for the shape, else
// OpenBLAS's. Returns the library that ran it.
GemmLibrary sgemm(bool ta, bool tb, int64_t M, int64_t N, int64_t K, const float *A, int64_t lda, const float *B, int64_t ldb, float *C,
                  int64_t ldc, float beta) {
  if (onednn_products && aec::runtime::onednn::gemm(ta, tb, M, N, K, A, lda, B, ldb, C, ldc, beta)) return aec::runtime::kOneDnn;
  cblas_sgemm(CblasColMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, static_cast<blasint>(M),
              static_cast<blasint>(N), static_cast<blasint>(K), 1.0f, A, static_cast<blasint>(lda), B, static_cast<blasint>(ldb), beta, C,
              static_cast<blasint>(ldc));
  return aec::runtime::kOpenBlas;
}

// The column-major rows x cols matrix at `from` (leading dimension ld) rounded to bfloat16, as
// floats, densely into this thread's `room`.
const float *rounded(int64_t rows, int64_t cols, const float *from, int64_t ld, std::vector<float> &room) {
  if (room.size() < size_t(rows * cols)) room.resize(size_t(rows * cols));
  aec::runtime::round_to_bfloat16(rows, cols, from, ld, room.data());
  return room.data();
}

GemmLibrary emulated_sgemm_bfloat16(bool ta, bool tb, int64_t M, int64_t N, int64_t K, const float *A, int64_t lda, const float *B,
                                    int64_t ldb, float *C, int64_t ldc, float beta) {
  thread_local std::vector<float> a, b;
  const float *ra = rounded(ta ? K : M, ta ? M : K, A, lda, a), *rb = rounded(tb ? N : K, tb ? K : N, B, ldb, b);
  return sgemm(ta, tb, M, N, K, ra, ta ? K : M, rb, tb ? N : K, C, ldc, beta);
}

// The product from bfloat16 operands with float32 sums (runtime/bfloat16.h): on the CPU's
// bfloat16 instructions where it has them (unless AEC_BF16=emulate), else emulated.
GemmLibrary sgemm_bfloat16(bool ta, bool tb, int64_t M, int64_t N, int64_t K, const float *A, int64_t lda, const float *B, int64_t ldb,
                           float *C, int64_t ldc, float beta) {
  using aec::runtime::Bfloat16Path;
  if (aec::runtime::bfloat16_path() == Bfloat16Path::Instructions &&
      aec::runtime::onednn::gemm_bfloat16(ta, tb, M, N, K, A, lda, B, ldb, C, ldc, beta))
    return aec::runtime::kOneDnn;
  return emulated_sgemm_bfloat16(ta, tb, M, N, K, A, lda, B, ldb, C, ldc, beta);
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

// How the pieces of a product are computed (float32 or bfloat16 operands), and whether a piece of
// a given shape and leading dimensions goes to oneDNN.
struct Route {
  GemmLibrary (*compute)(bool ta, bool tb, int64_t M, int64_t N, int64_t K, const float *A, int64_t lda, const float *B, int64_t ldb,
                         float *C, int64_t ldc, float beta);
  bool (*on_onednn)(bool ta, bool tb, int64_t M, int64_t N, int64_t K, int64_t lda, int64_t ldb, int64_t ldc, float beta);
};

bool sgemm_on_onednn(bool ta, bool tb, int64_t M, int64_t N, int64_t K, int64_t lda, int64_t ldb, int64_t ldc, float beta) {
  return onednn_products && aec::runtime::onednn::takes(ta, tb, M, N, K, lda, ldb, ldc, beta);
}

bool bfloat16_on_onednn(bool ta, bool tb, int64_t M, int64_t N, int64_t K, int64_t lda, int64_t ldb, int64_t ldc, float beta) {
  if (aec::runtime::bfloat16_path() == aec::runtime::Bfloat16Path::Instructions)
    return aec::runtime::onednn::takes_bfloat16(ta, tb, M, N, K, lda, ldb, ldc, beta);
  return sgemm_on_onednn(ta, tb, M, N, K, ta ? K : M, tb ? N : K, ldc, beta); // the emulation's rounded copies are dense
}

const Route kFloat32{sgemm, sgemm_on_onednn}, kBfloat16{sgemm_bfloat16, bfloat16_on_onednn};

// Whether the whole product has the bits of the pieces it is cut into below: when oneDNN computes
// the whole and every piece (each entry of C is summed over k in order however oneDNN blocks M and
// N; gemm_onednn.h). OpenBLAS's pieces can differ from its whole product in the last bits.
bool whole_has_the_cuts_bits(const Route &r, bool ta, bool tb, int64_t M, int64_t N, int64_t K, int64_t lda, int64_t ldb, int64_t ldc,
                             float beta) {
  if (!r.on_onednn(ta, tb, M, N, K, lda, ldb, ldc, beta)) return false;
  const bool columns = N >= M;
  const int64_t count = columns ? N : M, g = grain(count);
  for (int64_t first = 0; first < count; first += g) {
    const int64_t n = std::min(g, count - first);
    if (!(columns ? r.on_onednn(ta, tb, M, n, K, lda, ldb, ldc, beta) : r.on_onednn(ta, tb, n, N, K, lda, ldb, ldc, beta))) return false;
  }
  return true;
}

// The product on the calling thread's team, piece by piece along `r`; returns the libraries
// (GemmLibrary bits) that ran it. A team of one runs it whole where that gives the pieces' bits:
// one call instead of up to eight.
unsigned shared_gemm(const Route &r, bool ta, bool tb, int64_t M, int64_t N, int64_t K, const float *A, int64_t lda, const float *B,
                     int64_t ldb, float *C, int64_t ldc, float beta) {
  if (K == 0) { // an empty sum (a batch of no samples)
    for (int64_t j = 0; j < N; ++j)
      for (int64_t i = 0; i < M; ++i) C[i + j * ldc] *= beta;
    return 0;
  }
  if (M * N * K < aec::runtime::minimum_shared_work() ||
      (aec::runtime::team_size() == 1 && whole_has_the_cuts_bits(r, ta, tb, M, N, K, lda, ldb, ldc, beta)))
    return r.compute(ta, tb, M, N, K, A, lda, B, ldb, C, ldc, beta);
  std::atomic<unsigned> libraries{0};
  if (N >= M) { // columns j0..j1 of C need columns j0..j1 of op(B)
    aec::runtime::share_work(N, grain(N), [&](int64_t j0, int64_t j1) {
      libraries |= r.compute(ta, tb, M, j1 - j0, K, A, lda, tb ? B + j0 : B + j0 * ldb, ldb, C + j0 * ldc, ldc, beta);
    });
  } else { // rows i0..i1 of C need rows i0..i1 of op(A)
    aec::runtime::share_work(M, grain(M), [&](int64_t i0, int64_t i1) {
      libraries |= r.compute(ta, tb, i1 - i0, N, K, ta ? A + i0 * lda : A + i0, lda, B, ldb, C + i0, ldc, beta);
    });
  }
  return libraries.load();
}

void gemm(const Route &piece, int32_t ta, int32_t tb, int64_t M, int64_t N, int64_t K, const float *A, int64_t lda, const float *B,
          int64_t ldb, float *C, int64_t ldc, float beta) {
  if (M == 0 || N == 0) return;
  const aec::runtime::GemmShape shape{ta != 0, tb != 0, M, N, K};
  if (!aec::runtime::recording_gemms()) {
    aec::runtime::add_product_to_step(shape, shared_gemm(piece, ta != 0, tb != 0, M, N, K, A, lda, B, ldb, C, ldc, beta));
    return;
  }
  const auto start = std::chrono::steady_clock::now();
  const unsigned libraries = shared_gemm(piece, ta != 0, tb != 0, M, N, K, A, lda, B, ldb, C, ldc, beta);
  aec::runtime::record_gemm(shape, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  aec::runtime::add_product_to_step(shape, libraries);
}

void gemm_each(const Route &piece, int32_t ta, int32_t tb, int64_t M, int64_t N, int64_t K, const float *A, int64_t lda, int64_t stride_a,
               const float *B, int64_t ldb, int64_t stride_b, float *C, int64_t ldc, int64_t stride_c, int64_t count) {
  auto each = [&](int64_t k0, int64_t k1) {
    for (int64_t k = k0; k < k1; ++k)
      gemm(piece, ta, tb, M, N, K, A + k * stride_a, lda, B + k * stride_b, ldb, C + k * stride_c, ldc, 0.0f);
  };
  aec::runtime::share_items(count, M * N * K, each);
}

} // namespace

namespace aec::runtime {
void emulated_gemm_bfloat16(bool ta, bool tb, int64_t M, int64_t N, int64_t K, const float *A, int64_t lda, const float *B, int64_t ldb,
                            float *C, int64_t ldc, float beta) {
  emulated_sgemm_bfloat16(ta, tb, M, N, K, A, lda, B, ldb, C, ldc, beta);
}
} // namespace aec::runtime

extern "C" void aec_gemm(int32_t ta, int32_t tb, int64_t M, int64_t N, int64_t K, const float *A, int64_t lda, const float *B, int64_t ldb,
                         float *C, int64_t ldc, float beta) {
  gemm(kFloat32, ta, tb, M, N, K, A, lda, B, ldb, C, ldc, beta);
}

extern "C" void aec_gemm_each(int32_t ta, int32_t tb, int64_t M, int64_t N, int64_t K, const float *A, int64_t lda, int64_t stride_a,
                              const float *B, int64_t ldb, int64_t stride_b, float *C, int64_t ldc, int64_t stride_c, int64_t count) {
  gemm_each(kFloat32, ta, tb, M, N, K, A, lda, stride_a, B, ldb, stride_b, C, ldc, stride_c, count);
}

extern "C" void aec_gemm_bf16(int32_t ta, int32_t tb, int64_t M, int64_t N, int64_t K, const float *A, int64_t lda, const float *B,
                              int64_t ldb, float *C, int64_t ldc, float beta) {
  gemm(kBfloat16, ta, tb, M, N, K, A, lda, B, ldb, C, ldc, beta);
}

extern "C" void aec_gemm_each_bf16(int32_t ta, int32_t tb, int64_t M, int64_t N, int64_t K, const float *A, int64_t lda, int64_t stride_a,
                                   const float *B, int64_t ldb, int64_t stride_b, float *C, int64_t ldc, int64_t stride_c, int64_t count) {
  gemm_each(kBfloat16, ta, tb, M, N, K, A, lda, stride_a, B, ldb, stride_b, C, ldc, stride_c, count);
}
