// Convolutions through oneDNN's primitives on their preferred (blocked) memory layouts, with
// reorders from and to aec's row-major images [c, h, w] and filters [o, c, kh, kw] around each
// call. Each call runs on the calling thread alone (one OpenMP thread per aec thread: aec's work
// sharing stays in charge); primitives are made once per thread, operation, geometry and sample
// count, so a given call always gives the same bits.
#pragma once
#include "runtime/conv_geometry.h"

#include <string>

namespace aec::runtime::onednn {

// Whether oneDNN makes a primitive for the operation on this geometry (asked once per thread,
// operation and geometry; a refusal of oneDNN's leaves the convolution to im2col).
bool available(ConvOp op, const ConvGeometry &g);

// small[n] = conv(k, large[n]) for n samples one after another
void conv(const ConvGeometry &g, const float *k, const float *large, float *small, int64_t n);
// large[n] = conv_t(k, small[n])
void conv_t(const ConvGeometry &g, const float *k, const float *small, float *large, int64_t n);
// k = the sum over the n samples of conv_filter(small[n], large[n])
void conv_filter(const ConvGeometry &g, const float *small, const float *large, float *k, int64_t n);

// The version of the oneDNN loaded ("2.6.3").
std::string version();

} // namespace aec::runtime::onednn
