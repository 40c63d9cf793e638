// The geometry of a convolution as kernels pass it to the runtime (runtime/conv_calls.h):
// filters [o, c, kh, kw] take the large image [c, h, w] to the small one [o, oh, ow].
#pragma once
#include <array>
#include <cstdint>

namespace aec::runtime {

struct ConvGeometry {
  int64_t o, c, kh, kw, h, w, oh, ow, stride, pad;
  explicit ConvGeometry(const int64_t *g)
      : o(g[0]), c(g[1]), kh(g[2]), kw(g[3]), h(g[4]), w(g[5]), oh(g[6]), ow(g[7]), stride(g[8]), pad(g[9]) {}
  int64_t taps() const { return c * kh * kw; }
  int64_t positions() const { return oh * ow; }
  int64_t large() const { return c * h * w; }
  int64_t small() const { return o * oh * ow; }
  int64_t filters() const { return o * taps(); }
  std::array<int64_t, 10> key() const { return {o, c, kh, kw, h, w, oh, ow, stride, pad}; }
};

// The three convolutions of a training step: the forward one (conv), its input gradient
// (conv_t) and its filter gradient (conv_filter).
enum class ConvOp { Forward, InputGradient, FilterGradient };

} // namespace aec::runtime
