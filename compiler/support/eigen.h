// Eigen, included through one place: GCC 12 reports `'__Y' may be used uninitialized` inside
// Eigen's AVX-512 packet code (its `_mm512_undefined_ps()` arguments, a false positive) whenever
// the C++ is built for an AVX-512 target. Silenced here, for Eigen alone, not for aec's own code.
#pragma once

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <Eigen/Dense>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
