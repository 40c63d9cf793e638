#include "eval/images.h"

namespace aec::eval {

using ir::Size;

ConvGeometry conv_geometry(const ir::Shape &filters, const ir::Shape &large, const ir::Shape &small, const ir::Attr &attr) {
  return {filters.d[0], filters.d[1], filters.d[2], filters.d[3], large.d[1], large.d[2], small.d[1], small.d[2], attr.stride, attr.pad};
}

namespace {
// Calls f(filter index, small index, large index) for every filter tap that lands inside the large
// image (the padding is zeros: taps outside add nothing).
template <class F> void for_each_tap(const ConvGeometry &g, F f) {
  for (Size o = 0; o < g.o; ++o)
    for (Size c = 0; c < g.c; ++c)
      for (Size i = 0; i < g.kh; ++i)
        for (Size j = 0; j < g.kw; ++j)
          for (Size y = 0; y < g.oh; ++y) {
            Size Y = g.stride * y + i - g.pad;
            if (Y < 0 || Y >= g.h) continue;
            for (Size x = 0; x < g.ow; ++x) {
              Size X = g.stride * x + j - g.pad;
              if (X < 0 || X >= g.w) continue;
              f(((o * g.c + c) * g.kh + i) * g.kw + j, (o * g.oh + y) * g.ow + x, (c * g.h + Y) * g.w + X);
            }
          }
}
} // namespace

template <class T> void conv(const ConvGeometry &g, const T *k, const T *large, T *small) {
  for (Size n = 0; n < g.o * g.oh * g.ow; ++n) small[n] = 0;
  for_each_tap(g, [&](Size ki, Size si, Size li) { small[si] += k[ki] * large[li]; });
}

template <class T> void conv_t(const ConvGeometry &g, const T *k, const T *small, T *large) {
  for (Size n = 0; n < g.c * g.h * g.w; ++n) large[n] = 0;
  for_each_tap(g, [&](Size ki, Size si, Size li) { large[li] += k[ki] * small[si]; });
}

template <class T> void conv_filter_add(const ConvGeometry &g, const T *small, const T *large, T *k) {
  for_each_tap(g, [&](Size ki, Size si, Size li) { k[ki] += small[si] * large[li]; });
}

namespace {
// Calls f(out index, index of the window's first largest entry of t) for every window.
template <class T, class F> void for_each_window_max(const ir::Shape &s, Size k, const T *t, F f) {
  Size c = s.d[0], h = s.d[1], w = s.d[2], ph = h / k, pw = w / k;
  for (Size ch = 0; ch < c; ++ch)
    for (Size y = 0; y < ph; ++y)
      for (Size x = 0; x < pw; ++x) {
        Size best = (ch * h + y * k) * w + x * k;
        for (Size i = 0; i < k; ++i)
          for (Size j = 0; j < k; ++j) {
            Size at = (ch * h + y * k + i) * w + x * k + j;
            if (t[at] > t[best]) best = at;
          }
        f((ch * ph + y) * pw + x, best);
      }
}
} // namespace

template <class T> void maxpool_at(const ir::Shape &s, Size k, const T *t, const T *v, T *out) {
  for_each_window_max(s, k, t, [&](Size o, Size best) { out[o] = v[best]; });
}

template <class T> void max_unpool(const ir::Shape &s, Size k, const T *t, const T *u, T *out) {
  for (Size n = 0; n < s.numel(); ++n) out[n] = 0;
  for_each_window_max(s, k, t, [&](Size o, Size best) { out[best] = u[o]; });
}

template <class T> void avgpool(const ir::Shape &s, Size k, const T *t, T *out) {
  Size c = s.d[0], h = s.d[1], w = s.d[2], ph = h / k, pw = w / k;
  for (Size ch = 0; ch < c; ++ch)
    for (Size y = 0; y < ph; ++y)
      for (Size x = 0; x < pw; ++x) {
        T sum = 0;
        for (Size i = 0; i < k; ++i)
          for (Size j = 0; j < k; ++j) sum += t[(ch * h + y * k + i) * w + x * k + j];
        out[(ch * ph + y) * pw + x] = sum / static_cast<T>(k * k);
      }
}

template <class T> void upsample(const ir::Shape &s, const ir::Shape &out_shape, Size k, const T *t, T *out) {
  Size c = s.d[0], h = s.d[1], w = s.d[2], H = out_shape.d[1], W = out_shape.d[2];
  for (Size ch = 0; ch < c; ++ch)
    for (Size Y = 0; Y < H; ++Y)
      for (Size X = 0; X < W; ++X) out[(ch * H + Y) * W + X] = Y / k < h && X / k < w ? t[(ch * h + Y / k) * w + X / k] : T(0);
}

#define AEC_IMAGE_OPS(T)                                                                                                                   \
  template void conv(const ConvGeometry &, const T *, const T *, T *);                                                                     \
  template void conv_t(const ConvGeometry &, const T *, const T *, T *);                                                                   \
  template void conv_filter_add(const ConvGeometry &, const T *, const T *, T *);                                                          \
  template void maxpool_at(const ir::Shape &, Size, const T *, const T *, T *);                                                            \
  template void max_unpool(const ir::Shape &, Size, const T *, const T *, T *);                                                            \
  template void avgpool(const ir::Shape &, Size, const T *, T *);                                                                          \
  template void upsample(const ir::Shape &, const ir::Shape &, Size, const T *, T *);
AEC_IMAGE_OPS(double)
AEC_IMAGE_OPS(float)
#undef AEC_IMAGE_OPS

} // namespace aec::eval
