// The image ops of the reference evaluator, written as their definitions: direct loops over one
// sample, no lowering. Images [c, h, w] and filter banks [o, c, kh, kw] are row-major.
#pragma once
#include "ir/graph.h"

namespace aec::eval {

// The geometry of one convolution: the filter bank, the small image (conv's output, conv_t's
// input) and the large one (conv's input, conv_t's output), with stride and padding.
struct ConvGeometry {
  ir::Size o, c, kh, kw; // filters [o, c, kh, kw] take `c` large channels to `o` small ones
  ir::Size h, w;         // the large image's side
  ir::Size oh, ow;       // the small image's side
  ir::Size stride, pad;
};

// For conv(K, t): K [o, c, kh, kw] and t [c, h, w].
ConvGeometry conv_geometry(const ir::Shape &filters, const ir::Shape &large, const ir::Shape &small, const ir::Attr &attr);

// small[o, y, x] = sum_{c, i, j} K[o, c, i, j] large[c, s y + i - p, s x + j - p]
template <class T> void conv(const ConvGeometry &g, const T *k, const T *large, T *small);
// large[c, Y, X] = sum of K[o, c, i, j] small[o, y, x] over the (o, y, x, i, j) with s y + i - p = Y and s x + j - p = X
template <class T> void conv_t(const ConvGeometry &g, const T *k, const T *small, T *large);
// k[o, c, i, j] += sum_{y, x} small[o, y, x] large[c, s y + i - p, s x + j - p]
template <class T> void conv_filter_add(const ConvGeometry &g, const T *small, const T *large, T *k);

// Pooling over k x k windows of t [c, h, w] into [c, h / k, w / k].
template <class T> void maxpool_at(const ir::Shape &t_shape, ir::Size k, const T *t, const T *v, T *out);
template <class T> void max_unpool(const ir::Shape &t_shape, ir::Size k, const T *t, const T *u, T *out);
template <class T> void avgpool(const ir::Shape &t_shape, ir::Size k, const T *t, T *out);
// [c, h, w] -> [c, H, W] (out_shape): each entry repeated in a k x k block, zero beyond.
template <class T> void upsample(const ir::Shape &t_shape, const ir::Shape &out_shape, ir::Size k, const T *t, T *out);

} // namespace aec::eval
