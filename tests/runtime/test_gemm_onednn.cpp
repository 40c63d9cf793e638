// Products through oneDNN's matmul (runtime/gemm_onednn.h) against a plain triple loop in double:
// every transpose, leading dimensions larger than the matrix, beta 0 and 1, the same bits from
// call to call; beta outside {0, 1} is left to the caller.
#include "runtime/gemm_onednn.h"

#include "support/test_support.h"

#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

using aec::test::random_floats;

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

namespace {

// The product through `product` whole, and cut into pieces of columns and of rows of C (strided
// matrices, as gemm_calls.cpp cuts products among threads): true when all three have the same
// bits, false when `product` leaves any of them to its caller.
using Product = bool (*)(bool, bool, int64_t, int64_t, int64_t, const float *, int64_t, const float *, int64_t, float *, int64_t, float);
bool same_bits_whole_and_cut(Product product, bool ta, bool tb, int64_t M, int64_t N, int64_t K, float beta, std::mt19937 &rng,
                             bool &taken) {
  const int64_t lda = ta ? K : M, ldb = tb ? N : K;
  const std::vector<float> A = random_floats(size_t(M * K), rng), B = random_floats(size_t(N * K), rng),
                           C0 = random_floats(size_t(M * N), rng);
  auto part = [&](int64_t i0, int64_t i1, int64_t j0, int64_t j1, std::vector<float> &C) {
    return product(ta, tb, i1 - i0, j1 - j0, K, ta ? A.data() + i0 * lda : A.data() + i0, lda, tb ? B.data() + j0 : B.data() + j0 * ldb,
                   ldb, C.data() + i0 + j0 * M, M, beta);
  };
  std::vector<float> whole = C0, columns = C0, rows = C0;
  taken = part(0, M, 0, N, whole);
  for (int64_t j = 0; j < N; j += 64) taken = taken && part(0, M, j, std::min(N, j + 64), columns);
  for (int64_t i = 0; i < M; i += 112) taken = taken && part(i, std::min(M, i + 112), 0, N, rows);
  return taken && std::memcmp(whole.data(), columns.data(), whole.size() * sizeof(float)) == 0 &&
         std::memcmp(whole.data(), rows.data(), whole.size() * sizeof(float)) == 0;
}

} // namespace

TEST_CASE("a product through oneDNN has the same bits whole and cut into pieces of rows or columns, float32 and bfloat16") {
  // What lets a team of one thread run a product whole (runtime/gemm_calls.cpp) and still give the
  // bits of any other team, which runs its pieces.
  std::mt19937 rng(7);
  int compared = 0;
  for (const std::array<int64_t, 3> &shape : std::vector<std::array<int64_t, 3>>{
           {256, 256, 784}, {784, 256, 256}, {1000, 256, 500}, {30, 256, 250}, {250, 30, 256}, {784, 96, 256}, {256, 200, 72}})
    for (int ta = 0; ta < 2; ++ta)
      for (int tb = 0; tb < 2; ++tb)
        for (float beta : {0.0f, 1.0f})
          for (Product product : {Product(aec::runtime::onednn::gemm), Product(aec::runtime::onednn::gemm_bfloat16)}) {
            bool taken = false;
            const bool same = same_bits_whole_and_cut(product, ta, tb, shape[0], shape[1], shape[2], beta, rng, taken);
            if (!taken) continue; // left to OpenBLAS on this CPU
            ++compared;
            INFO(shape[0], "x", shape[1], "x", shape[2], " ta ", ta, " tb ", tb, " beta ", beta);
            CHECK(same);
          }
  MESSAGE("compared ", compared, " products whole and cut (none where oneDNN has no brgemm kernel)");
}

TEST_CASE("takes() says which products gemm() computes, without computing them") {
  std::vector<float> a(64 * 64, 1.0f), c(64 * 64, 0.0f);
  for (float beta : {0.0f, 1.0f, 0.5f}) {
    const bool says = aec::runtime::onednn::takes(false, false, 64, 64, 64, 64, 64, 64, beta);
    CHECK(says == aec::runtime::onednn::gemm(false, false, 64, 64, 64, a.data(), 64, a.data(), 64, c.data(), 64, beta));
  }
  // Strided and shallower than copying pays for: left to the caller.
  CHECK_FALSE(aec::runtime::onednn::takes(false, false, 32, 64, 16, 64, 16, 64, 0.0f));
}
