// bfloat16 products (runtime/bfloat16.h, --precision bf16): rounding to the nearest bfloat16, the
// emulated product on every CPU, and the CPU's bfloat16 instructions through oneDNN where it has
// them, each against a loop in double over the rounded operands.
#include "runtime/bfloat16.h"
#include "runtime/gemm_onednn.h"
#include "runtime/kernel_calls.h"

#include "support/test_support.h"

#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

using aec::runtime::round_to_bfloat16;

TEST_CASE("rounding to bfloat16: ties to even, overflow to infinity, NaN and infinities kept") {
  CHECK(round_to_bfloat16(1.0f) == 1.0f);
  CHECK(round_to_bfloat16(-3.0f) == -3.0f);
  CHECK(round_to_bfloat16(1.0f + 0x1p-8f) == 1.0f);                      // halfway, to the even 1
  CHECK(round_to_bfloat16(1.0f + 3 * 0x1p-8f) == 1.0f + 0x1p-6f);        // halfway, to the even 1 + 2^-6
  CHECK(round_to_bfloat16(1.0f + 0x1p-8f + 0x1p-20f) == 1.0f + 0x1p-7f); // above halfway
  CHECK(round_to_bfloat16(0.1f) == 0.10009765625f);
  CHECK(round_to_bfloat16(std::numeric_limits<float>::max()) == std::numeric_limits<float>::infinity());
  CHECK(round_to_bfloat16(-std::numeric_limits<float>::infinity()) == -std::numeric_limits<float>::infinity());
  CHECK(std::isnan(round_to_bfloat16(std::numeric_limits<float>::quiet_NaN())));
  float tiny_nan; // a NaN whose payload lies only in the bits rounding drops
  const uint32_t bits = 0x7f800001u;
  std::memcpy(&tiny_nan, &bits, 4);
  CHECK(std::isnan(round_to_bfloat16(tiny_nan)));
  CHECK(round_to_bfloat16(1e-40f) > 0);                             // subnormals round like the rest: to within half of 2^-133,
  CHECK(std::abs(round_to_bfloat16(1e-40f) - 1e-40f) <= 0x1p-134f); // bfloat16's subnormal spacing
  CHECK(aec::runtime::bfloat16_bits(1.0f) == 0x3f80);

  // The vector forms give the scalar's bits.
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> u(-4, 4);
  std::vector<float> x(1000), rounded(1000);
  for (float &v : x) v = u(rng);
  std::vector<uint16_t> bits16(1000);
  aec::runtime::round_to_bfloat16(1000, 1, x.data(), 1000, rounded.data());
  aec::runtime::to_bfloat16(1000, 1, x.data(), 1000, bits16.data());
  for (size_t i = 0; i < x.size(); ++i) {
    CHECK(rounded[i] == round_to_bfloat16(x[i]));
    CHECK(bits16[i] == aec::runtime::bfloat16_bits(x[i]));
    CHECK(std::abs(rounded[i] - x[i]) <= std::abs(x[i]) * 0x1p-8f); // half a unit of 8 significant bits
  }
}

using aec::test::random_floats;

namespace {

// The worst error of C against the product of the rounded operands in double, in units of
// (K + 1) float32 ulps of the terms' magnitudes; and the same for the operands as they are.
struct Errors {
  double of_rounded = 0, of_unrounded = 0;
};

Errors errors(bool ta, bool tb, int64_t M, int64_t N, int64_t K, const std::vector<float> &A, int64_t lda, const std::vector<float> &B,
              int64_t ldb, const std::vector<float> &C0, const std::vector<float> &C, int64_t ldc, float beta) {
  Errors e;
  for (int64_t j = 0; j < N; ++j)
    for (int64_t i = 0; i < M; ++i) {
      double rounded = beta * double(C0[size_t(i + j * ldc)]), plain = rounded, magnitude = std::abs(rounded);
      for (int64_t l = 0; l < K; ++l) {
        const float a = ta ? A[size_t(l + i * lda)] : A[size_t(i + l * lda)], b = tb ? B[size_t(j + l * ldb)] : B[size_t(l + j * ldb)];
        const double term = double(round_to_bfloat16(a)) * double(round_to_bfloat16(b));
        rounded += term;
        plain += double(a) * double(b);
        magnitude += std::abs(term);
      }
      const double unit = magnitude * double(K + 1) * 6e-8 + 1e-30, got = double(C[size_t(i + j * ldc)]);
      e.of_rounded = std::max(e.of_rounded, std::abs(got - rounded) / unit);
      e.of_unrounded = std::max(e.of_unrounded, std::abs(got - plain) / unit);
    }
  return e;
}

using Product = bool (*)(bool, bool, int64_t, int64_t, int64_t, const float *, int64_t, const float *, int64_t, float *, int64_t, float);

// `product` over every transpose, dense and strided leading dimensions and beta 0 and 1: the
// product of the rounded operands with float32 sums, not that of the operands as they are.
// Returns how many products it computed (oneDNN's path computes none on a CPU without bfloat16).
int check_products(Product product) {
  std::mt19937 rng(11);
  int made = 0;
  for (const std::array<int64_t, 3> &shape : std::vector<std::array<int64_t, 3>>{{37, 29, 53}, {256, 64, 300}, {1, 7, 5}})
    for (int ta = 0; ta < 2; ++ta)
      for (int tb = 0; tb < 2; ++tb)
        for (float beta : {0.0f, 1.0f}) {
          const int64_t M = shape[0], N = shape[1], K = shape[2];
          const int64_t pad = (ta + tb + int(beta)) % 2 * 3;
          const int64_t lda = (ta ? K : M) + pad, ldb = (tb ? N : K) + pad, ldc = M + pad;
          const std::vector<float> A = random_floats(size_t(lda * (ta ? M : K)), rng), B = random_floats(size_t(ldb * (tb ? K : N)), rng);
          const std::vector<float> C0 = random_floats(size_t(ldc * N), rng);
          std::vector<float> C = C0;
          if (!product(ta, tb, M, N, K, A.data(), lda, B.data(), ldb, C.data(), ldc, beta)) continue;
          ++made;
          const Errors e = errors(ta, tb, M, N, K, A, lda, B, ldb, C0, C, ldc, beta);
          INFO(M, "x", N, "x", K, " ta ", ta, " tb ", tb, " beta ", beta);
          CHECK(e.of_rounded < 1);
          if (K > 10) CHECK(e.of_unrounded > 4); // the operands were rounded: far more than float32's sums explain
          for (int64_t j = 0; j < N; ++j)        // the padding between columns is untouched
            for (int64_t i = M; i < ldc; ++i) CHECK(C[size_t(i + j * ldc)] == C0[size_t(i + j * ldc)]);
        }
  return made;
}

} // namespace

TEST_CASE("the emulated bfloat16 product is the float32 product of the rounded operands") {
  CHECK(check_products([](bool ta, bool tb, int64_t M, int64_t N, int64_t K, const float *A, int64_t lda, const float *B, int64_t ldb,
                          float *C, int64_t ldc, float beta) {
          aec::runtime::emulated_gemm_bfloat16(ta, tb, M, N, K, A, lda, B, ldb, C, ldc, beta);
          return true;
        }) == 24);
}

TEST_CASE("the CPU's bfloat16 instructions through oneDNN compute the emulation's arithmetic, where the CPU has them") {
  const int made = check_products(aec::runtime::onednn::gemm_bfloat16);
  MESSAGE("bfloat16 instructions: ", aec::runtime::bfloat16_instructions().empty() ? "none" : aec::runtime::bfloat16_instructions(),
          "; oneDNN's kernel: ", aec::runtime::onednn::bfloat16_kernel().empty() ? "none" : aec::runtime::onednn::bfloat16_kernel(),
          "; products made: ", made);
  if (!aec::runtime::bfloat16_instructions().empty()) CHECK(made > 0);
}

TEST_CASE("aec_gemm_bf16, as the kernels call it, cuts a product among threads and computes the rounded operands' product") {
  std::mt19937 rng(2);
  const int64_t M = 300, N = 200, K = 96;
  const std::vector<float> A = random_floats(size_t(M * K), rng), B = random_floats(size_t(K * N), rng), C0(size_t(M * N), 0.0f);
  std::vector<float> C = C0;
  aec_gemm_bf16(0, 0, M, N, K, A.data(), M, B.data(), K, C.data(), M, 0.0f);
  const Errors e = errors(false, false, M, N, K, A, M, B, K, C0, C, M, 0.0f);
  CHECK(e.of_rounded < 1);
  CHECK(e.of_unrounded > 4);
}
