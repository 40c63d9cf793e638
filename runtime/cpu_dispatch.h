// Hot loops of aec's own C++ with the CPU's widest vectors, though libaec.so is built for
// x86-64's baseline (so that it runs on any x86-64 CPU): a function marked AEC_CPU_DISPATCH is
// compiled for AVX-512, AVX2 and the baseline, and the dynamic loader picks the one the CPU
// runs (target_clones, GCC and clang). The clones give the same bits: these loops have no
// reductions, and their file is built with -ffp-contract=off (no fused multiply-adds).
#pragma once

#if defined(__x86_64__) && defined(__GNUC__)
#define AEC_CPU_DISPATCH __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define AEC_CPU_DISPATCH
#endif
