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

// The nearest bfloat16 to `x` (ties to even), as a float; NaN stays NaN, infinities stay.
inline float round_to_bfloat16(float x) {
  uint32_t bits;
  __builtin_memcpy(&bits, &x, 4);
  if ((bits & 0x7f800000u) == 0x7f800000u) { // infinity or NaN: keep it (a NaN stays quiet)
    if (bits & 0x007fffffu) bits |= 0x00400000u;
  } else {
    bits += 0x7fffu + ((bits >> 16) & 1u);
  }
  bits &= 0xffff0000u;
  float y;
  __builtin_memcpy(&y, &bits, 4);
  return y;
}

// The bfloat16 instructions this CPU has, for messages ("AVX512-BF16", "AMX-BF16 and
// AVX512-BF16"), or "" when it has none.
std::string bfloat16_instructions();

// How --precision bf16 runs here: Instructions where the CPU has bfloat16 instructions, unless
// AEC_BF16=emulate asks for the emulation; Emulated with AEC_BF16=emulate; Unavailable otherwise
// (training refuses bf16 then, naming AEC_BF16=emulate).
enum class Bfloat16Path { Instructions, Emulated, Unavailable };
Bfloat16Path bfloat16_path();
const char *to_string(Bfloat16Path p);

} // namespace aec::runtime
