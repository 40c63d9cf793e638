#include "runtime/blas_core.h"

#include <cstdlib>
#include <cstring>

// Debian builds OpenBLAS with DYNAMIC_ARCH: these are its own (exported) functions for choosing
// kernels at run time. Weak, so that a build of OpenBLAS without them still links and runs.
extern "C" {
char *openblas_get_corename(void) __attribute__((weak));
void gotoblas_dynamic_init(void) __attribute__((weak));
void gotoblas_dynamic_quit(void) __attribute__((weak));
}

namespace aec::runtime {

namespace {

// Kernels older than AVX2's: on a CPU with AVX2 or AVX-512 such a choice is a misdetection.
bool predates_avx2(const char *core) {
  for (const char *old :
       {"Prescott", "Core2",  "Penryn",  "Dunnington", "Nehalem", "Sandybridge", "Katmai",     "Coppermine",  "Northwood", "Banias",
        "Atom",     "Athlon", "Opteron", "Barcelona",  "Bobcat",  "Bulldozer",   "Piledriver", "Steamroller", "Excavator", "Unknown"})
    if (std::strcmp(core, old) == 0) return true;
  return false;
}

// The kernels for what this CPU can execute, or null when OpenBLAS's own choice stands.
const char *kernels_for_this_cpu() {
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
      __builtin_cpu_supports("avx512vl"))
    return "SkylakeX";
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "Haswell";
#endif
  return nullptr;
}

std::string choose() {
  if (!openblas_get_corename || !gotoblas_dynamic_init || !gotoblas_dynamic_quit) return blas_kernels();
  const char *wanted = kernels_for_this_cpu();
  if (std::getenv("OPENBLAS_CORETYPE") || !wanted || !predates_avx2(openblas_get_corename())) return blas_kernels();
  // OpenBLAS reads OPENBLAS_CORETYPE when it initializes: initialize it again with the choice
  // (the variable is the user's again afterwards).
  setenv("OPENBLAS_CORETYPE", wanted, 0);
  gotoblas_dynamic_quit();
  gotoblas_dynamic_init();
  unsetenv("OPENBLAS_CORETYPE");
  return blas_kernels();
}

} // namespace

std::string blas_kernels() { return openblas_get_corename ? openblas_get_corename() : ""; }

std::string ensure_blas_kernels() {
  static const std::string chosen = choose();
  return chosen;
}

} // namespace aec::runtime
