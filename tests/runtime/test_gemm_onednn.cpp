// Products through oneDNN's matmul (runtime/gemm_onednn.h) against a plain triple loop in double:
// every transpose, leading dimensions larger than the matrix, beta 0 and 1, the same bits from
// call to call; beta outside {0, 1} is left to the caller.
#include "runtime/gemm_onednn.h"

#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

namespace {

std::vector<float> random_floats(size_t n, std::mt19937 &rng) {
  std::uniform_real_distribution<float> u(-1, 1);
  std::vector<float> v(n);
  for (float &x : v) x = u(rng);
  return v;
}

} // namespace

TEST_CASE("oneDNN's products equal a plain loop's for every transpose, leading dimension and beta") {
  std::mt19937 rng(3);
  int made = 0;
  for (const std::array<int64_t, 3> &shape : std::vector<std::array<int64_t, 3>>{{37, 29, 53}, {256, 64, 784}, {1, 7, 5}, {64, 256, 1}})
    for (int ta = 0; ta < 2; ++ta)
      for (int tb = 0; tb < 2; ++tb)
        for (float beta : {0.0f, 1.0f}) {
          const int64_t M = shape[0], N = shape[1], K = shape[2];
          const int64_t pad = (ta + tb + int(beta)) % 2 * 3; // dense half the time
          const int64_t lda = (ta ? K : M) + pad, ldb = (tb ? N : K) + pad, ldc = M + pad;
          const std::vector<float> A = random_floats(size_t(lda * (ta ? M : K)), rng), B = random_floats(size_t(ldb * (tb ? K : N)), rng);
          const std::vector<float> C0 = random_floats(size_t(ldc * N), rng);
          std::vector<float> C = C0;
          if (!aec::runtime::onednn::gemm(ta, tb, M, N, K, A.data(), lda, B.data(), ldb, C.data(), ldc, beta)) continue; // no brgemm here
          ++made;
          std::vector<float> again = C0;
          REQUIRE(aec::runtime::onednn::gemm(ta, tb, M, N, K, A.data(), lda, B.data(), ldb, again.data(), ldc, beta));
          CHECK(std::memcmp(C.data(), again.data(), C.size() * sizeof(float)) == 0);
          double worst = 0;
          for (int64_t j = 0; j < N; ++j)
            for (int64_t i = 0; i < M; ++i) {
              double sum = beta * double(C0[size_t(i + j * ldc)]), magnitude = std::abs(sum);
              for (int64_t l = 0; l < K; ++l) {
                const double term = double(ta ? A[size_t(l + i * lda)] : A[size_t(i + l * lda)]) *
                                    double(tb ? B[size_t(j + l * ldb)] : B[size_t(l + j * ldb)]);
                sum += term;
                magnitude += std::abs(term);
              }
              // Float32 sums of K + 1 terms: within (K + 1) ulp of the terms' magnitudes, far below what
              // a wrong operand or transpose gives.
              worst = std::max(worst, std::abs(sum - double(C[size_t(i + j * ldc)])) / (magnitude * double(K + 1) * 6e-8 + 1e-30));
            }
          INFO(M, "x", N, "x", K, " ta ", ta, " tb ", tb, " beta ", beta);
          CHECK(worst < 1);
          for (int64_t j = 0; j < N; ++j) // the padding between columns is untouched
            for (int64_t i = M; i < ldc; ++i) CHECK(C[size_t(i + j * ldc)] == C0[size_t(i + j * ldc)]);
        }
  MESSAGE("oneDNN made ", made, " of the 64 products (the others are left to OpenBLAS on this CPU)");
  std::vector<float> a(4, 1.0f), c(4, 0.0f);
  CHECK_FALSE(aec::runtime::onednn::gemm(false, false, 2, 2, 2, a.data(), 2, a.data(), 2, c.data(), 2, 0.5f));
}
