// bfloat16 products (--precision bf16): operands rounded to bfloat16 (8 bits of significand,
// float32's exponent range), products summed in float32. Two paths give that arithmetic:
//  - the CPU's bfloat16 instructions (AVX512-BF16, AMX-BF16) through oneDNN's matmul, which only
//    CPUs that have them run;
//  - an emulation on every CPU: the operands rounded to bfloat16 but kept as floats, then an
//    ordinary float32 product. The product of two bfloat16 values is exact in float32, so the two
//    paths differ only in the order of the float32 sums. Tests use it everywhere, and compare the
//    instructions' path with it where the CPU has them.
#pragma once
#include <cstdint>
#include <string>

namespace aec::runtime {

// The bits of the nearest bfloat16 to `x` (ties to even; overflow to infinity), a NaN staying a
// quiet NaN.
inline uint16_t bfloat16_bits(float x) {
  uint32_t bits;
  __builtin_memcpy(&bits, &x, 4);
  const bool nan = (bits & 0x7fffffffu) > 0x7f800000u;
  return nan ? uint16_t((bits >> 16) | 0x40u) : uint16_t((bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16);
}

// That bfloat16 as a float.
inline float round_to_bfloat16(float x) {
  const uint32_t bits = uint32_t(bfloat16_bits(x)) << 16;
  float y;
  __builtin_memcpy(&y, &bits, 4);
  return y;
}

// The column-major rows x cols matrix at `from` (leading dimension ld) rounded to bfloat16, into
// `to` densely: as bfloat16 bits, or as floats (vectorized for the CPU).
void to_bfloat16(int64_t rows, int64_t cols, const float *from, int64_t ld, uint16_t *to);
void round_to_bfloat16(int64_t rows, int64_t cols, const float *from, int64_t ld, float *to);

// The emulation of one product on this thread: column-major C[M, N] = op(A) op(B) + beta C from
// A and B rounded to bfloat16, through a float32 product (runtime/gemm_calls.cpp).
void emulated_gemm_bfloat16(bool ta, bool tb, int64_t M, int64_t N, int64_t K, const float *A, int64_t lda, const float *B, int64_t ldb,
                            float *C, int64_t ldc, float beta);

// The bfloat16 instructions this CPU has, for messages ("AVX512-BF16", "AMX-BF16 and
// AVX512-BF16"), or "" when it has none.
std::string bfloat16_instructions();

// How --precision bf16 runs here: Instructions where the CPU has bfloat16 instructions, unless
// AEC_BF16=emulate asks for the emulation; Emulated with AEC_BF16=emulate; Unavailable otherwise
// (training refuses bf16 then, naming AEC_BF16=emulate).
enum class Bfloat16Path { Instructions, Emulated, Unavailable };
Bfloat16Path bfloat16_path();
// That path for the training's header line: "AVX512-BF16 through oneDNN (brg:avx512_core_bf16)",
// "emulated (...)" or "unavailable (...)".
std::string bfloat16_path_text();

} // namespace aec::runtime
