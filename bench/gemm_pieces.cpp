// The products aec's kernels cut among threads (runtime/gemm_calls.cpp), through oneDNN with
// their strided pieces copied dense (runtime/gemm_onednn.cpp), against OpenBLAS reading them in
// place: a piece of rows of C has a leading dimension larger than the piece, which oneDNN 2.6's
// brgemm does not take. Prints GFLOP/s by depth K, one thread (0: below kDepthWorthCopying, the
// depth from which the copies pay, oneDNN leaves the piece to OpenBLAS; set it lower to measure).
//   taskset -c 0 build/bench/gemm_pieces
#include "bench/bench_support.h"
#include "runtime/blas_core.h"
#include "runtime/gemm_onednn.h"

#include <cblas.h>
#include <cstdio>

int main() {
  aec::runtime::ensure_blas_kernels();
  std::mt19937 rng(1);
  std::printf("a piece of 112 rows of a 784 x 256 product (ldc 784), and of 64 columns of op(B) for a transposed B (ldb 256)\n");
  std::printf("%6s  %14s %14s   %14s %14s\n", "K", "rows: oneDNN", "OpenBLAS", "columns: oneDNN", "OpenBLAS");
  for (int64_t K : {8, 16, 32, 64, 128, 256, 784}) {
    const int64_t M = 784, N = 256;
    const std::vector<float> A = aec::bench::random_floats(M * K, rng), B = aec::bench::random_floats(N * K, rng);
    std::vector<float> C = aec::bench::random_floats(M * N, rng);
    // GFLOP/s, or 0 where oneDNN leaves the product to the caller.
    auto speed = [&](int64_t m, int64_t n, bool tb, bool onednn) {
      const int64_t ldb = tb ? N : K;
      if (onednn && !aec::runtime::onednn::gemm(false, tb, m, n, K, A.data(), M, B.data(), ldb, C.data(), M, 0.0f)) return 0.0;
      const double s = aec::bench::median_seconds(
          [&] {
            if (onednn) aec::runtime::onednn::gemm(false, tb, m, n, K, A.data(), M, B.data(), ldb, C.data(), M, 0.0f);
            else
              cblas_sgemm(CblasColMajor, CblasNoTrans, tb ? CblasTrans : CblasNoTrans, blasint(m), blasint(n), blasint(K), 1.0f, A.data(),
                          blasint(M), B.data(), blasint(ldb), 0.0f, C.data(), blasint(M));
          },
          20, 0.2);
      return 2.0 * double(m * n * K) / s * 1e-9;
    };
    std::printf("%6lld  %14.1f %14.1f   %14.1f %14.1f\n", static_cast<long long>(K), speed(112, N, false, true),
                speed(112, N, false, false), speed(M, 64, true, true), speed(M, 64, true, false));
  }
}
