#include "runtime/bfloat16.h"
#include "runtime/cpu_dispatch.h"
#include "runtime/gemm_onednn.h"

#include <cstdlib>
#include <cstring>

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#endif

namespace aec::runtime {

AEC_CPU_DISPATCH void to_bfloat16(int64_t rows, int64_t cols, const float *from, int64_t ld, uint16_t *to) {
  for (int64_t j = 0; j < cols; ++j)
    for (int64_t i = 0; i < rows; ++i) to[i + j * rows] = bfloat16_bits(from[i + j * ld]);
}

AEC_CPU_DISPATCH void round_to_bfloat16(int64_t rows, int64_t cols, const float *from, int64_t ld, float *to) {
  for (int64_t j = 0; j < cols; ++j)
    for (int64_t i = 0; i < rows; ++i) to[i + j * rows] = round_to_bfloat16(from[i + j * ld]);
}

std::string bfloat16_instructions() {
  bool avx512_bf16 = false, amx_bf16 = false;
#if defined(__x86_64__) && defined(__GNUC__)
  unsigned eax, ebx, ecx, edx;
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __get_cpuid_count(7, 1, &eax, &ebx, &ecx, &edx)) avx512_bf16 = (eax >> 5) & 1u;
  if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) amx_bf16 = (edx >> 22) & 1u;
#endif
  if (amx_bf16 && avx512_bf16) return "AMX-BF16 and AVX512-BF16";
  if (amx_bf16) return "AMX-BF16";
  if (avx512_bf16) return "AVX512-BF16";
  return "";
}

Bfloat16Path bfloat16_path() {
  static const Bfloat16Path path = [] {
    const char *forced = std::getenv("AEC_BF16");
    if (forced && std::strcmp(forced, "emulate") == 0) return Bfloat16Path::Emulated;
    return bfloat16_instructions().empty() ? Bfloat16Path::Unavailable : Bfloat16Path::Instructions;
  }();
  return path;
}

std::string bfloat16_path_text() {
  switch (bfloat16_path()) {
  case Bfloat16Path::Instructions: {
    const std::string kernel = onednn::bfloat16_kernel();
    return bfloat16_instructions() + " through oneDNN" + (kernel.empty() ? "" : " (" + kernel + ")");
  }
  case Bfloat16Path::Emulated: return "emulated (operands rounded to bfloat16, float32 products; AEC_BF16=emulate)";
  case Bfloat16Path::Unavailable: return "unavailable (no bfloat16 instructions)";
  }
  return "";
}

} // namespace aec::runtime
