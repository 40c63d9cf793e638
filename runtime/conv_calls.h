// The convolutions JIT-compiled kernels call: conv, its transpose and its filter gradient
// (ir/ops.def), through oneDNN or lowered to SGEMMs (im2col), whichever is faster for the
// operation and geometry (conv_calls.cpp). Images are row-major [c, h, w], one sample after another.
#pragma once
#include <cstdint>

extern "C" {
// geometry: {o, c, kh, kw, h, w, oh, ow, stride, pad}: filters [o, c, kh, kw] take the large image
// [c, h, w] to the small one [o, oh, ow]. Each operand advances by its stride per sample (0: shared).
// small = conv(K, large) for each of `count` samples
void aec_conv(const int64_t *geometry, const float *k, int64_t k_stride, const float *large, int64_t large_stride, float *small,
              int64_t count);
// large = conv_t(K, small) for each of `count` samples
void aec_conv_t(const int64_t *geometry, const float *k, int64_t k_stride, const float *small, int64_t small_stride, float *large,
                int64_t count);
// k = the sum over `count` samples of conv_filter(small, large); the same bits for any team size
void aec_conv_filter(const int64_t *geometry, const float *small, int64_t small_stride, const float *large, int64_t large_stride, float *k,
                     int64_t count);
}

namespace aec::runtime {
// For tests and benchmarks: every convolution through one lowering (oneDNN where it can take the
// call), or back to the choice by operation and geometry. Not thread-safe: set it while no
// kernel runs.
enum class ConvLowering { ByRule, Im2col, OneDnn };
void force_conv_lowering(ConvLowering lowering);
} // namespace aec::runtime
