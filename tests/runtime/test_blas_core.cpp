// OpenBLAS runs the kernels of the widest vectors the CPU has, whatever its model number says.
#include "runtime/blas_core.h"
#include "runtime/kernel_calls.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <string>

TEST_CASE("OpenBLAS runs AVX2 or AVX-512 kernels on a CPU that has them") {
  std::string kernels = aec::runtime::ensure_blas_kernels();
  INFO("OpenBLAS kernels: " << kernels);
  if (kernels.empty() || std::getenv("OPENBLAS_CORETYPE")) {
    MESSAGE("[skipped] this OpenBLAS cannot report its kernels, or OPENBLAS_CORETYPE chose them");
    return;
  }
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
      __builtin_cpu_supports("avx512vl"))
    CHECK((kernels == "SkylakeX" || kernels == "Cooperlake" || kernels == "SapphireRapids"));
  else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    CHECK((kernels == "Haswell" || kernels == "Zen" || kernels == "SkylakeX" || kernels == "Cooperlake"));
  else MESSAGE("[skipped] this CPU has neither AVX2 nor AVX-512");
  // The choice is made once: asking again changes nothing.
  CHECK(aec::runtime::ensure_blas_kernels() == kernels);
  CHECK(aec::runtime::blas_kernels() == kernels);
}
