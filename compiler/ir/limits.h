// Bounds that keep a program from exhausting memory or time while it is compiled: a program
// beyond them is refused with a diagnostic at the construct responsible, before anything of its
// size is built. (What a run allocates at a batch size is bounded separately, by the runtime's
// memory plan: runtime/memory_plan.h.)
#pragma once
#include <cstdint>

namespace aec::ir {

// One size of a shape (a dim, a literal in [..]): 2^28, so that no element count overflows.
inline constexpr int64_t kMaxSize = int64_t(1) << 28;
// Floats in one value (of one sample, for per-sample values) and in one param: 2^28 (1 GiB).
inline constexpr int64_t kMaxValueElements = int64_t(1) << 28;
// Steps of an unroll; an unroll inside another runs its step once per outer step, so nested
// unrolls count the product of their steps.
inline constexpr int64_t kMaxUnrollSteps = 10000;
// Expressions elaborated for the whole program: functions are inlined at each call and unrolls
// repeat their step, so a short text can stand for an enormous graph.
inline constexpr int64_t kMaxExpansion = 250000;

} // namespace aec::ir
