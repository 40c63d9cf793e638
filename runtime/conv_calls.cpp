// Convolutions by one of two lowerings, chosen per operation and geometry (conv_lowering):
// oneDNN's primitives on blocked layouts (runtime/conv_onednn.h), or GEMMs on OpenBLAS: each
// sample's large image is unfolded into the matrix of its patches (im2col: one row per filter tap
// (c, i, j), one column per output position), so that
//   conv:        small[o, yx]    = K[o, cij] col[cij, yx]
//   conv_t:      col[cij, yx]    = K[o, cij]' small[o, yx], then folded back (col2im, summing overlaps)
//   conv_filter: K[o, cij]      += small[o, yx] col[cij, yx]'
// Samples are independent for conv and conv_t and go to the team; conv_filter sums over them in a
// fixed partition of the batch, so any team size gives the same bits. oneDNN gets the same fixed
// chunks of samples, one chunk per call on one thread.
#include "runtime/conv_calls.h"
#include "runtime/conv_onednn.h"
#include "runtime/cpu_dispatch.h"
#include "runtime/step_profile.h"
#include "runtime/work_sharing.h"

#include <cblas.h>

#include <algorithm>
#include <array>
#include <map>
#include <vector>

namespace {

using aec::runtime::ConvGeometry;
using aec::runtime::ConvLowering;
using aec::runtime::ConvOp;
using Geometry = ConvGeometry;

// A 1 x 1 convolution with stride 1 and no padding: the image is its own patch matrix.
bool patches_are_the_image(const Geometry &g) { return g.kh == 1 && g.kw == 1 && g.stride == 1 && g.pad == 0; }

// Row-major C[M, N] = op(A) op(B) + beta C.
void sgemm(bool ta, bool tb, int64_t M, int64_t N, int64_t K, const float *A, int64_t lda, const float *B, int64_t ldb, float beta,
           float *C, int64_t ldc) {
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, static_cast<blasint>(M),
              static_cast<blasint>(N), static_cast<blasint>(K), 1.0f, A, static_cast<blasint>(lda), B, static_cast<blasint>(ldb), beta, C,
              static_cast<blasint>(ldc));
}

// The output columns x whose tap j lands inside a row of width w: [first, end).
struct Inside {
  int64_t first, end;
};
Inside inside(int64_t j, int64_t stride, int64_t pad, int64_t w, int64_t ow) {
  // stride x + j - pad >= 0  and  stride x + j - pad < w
  int64_t first = j >= pad ? 0 : (pad - j + stride - 1) / stride;
  int64_t end = w + pad - j <= 0 ? 0 : (w + pad - j - 1) / stride + 1;
  first = std::min(first, ow);
  return {first, std::max(first, std::min(end, ow))};
}

// Calls row(where the output row starts in col, whether its image row lies inside, the index in
// `large` of column x = 0's tap (s x + j - p = 0 - p + j, maybe outside the row), inside) for every
// tap (c, i, j) and output row y; the loops over x are the callers', free of bounds checks.
template <class Row> void for_each_patch_row(const Geometry &g, Row row) {
  for (int64_t c = 0; c < g.c; ++c)
    for (int64_t i = 0; i < g.kh; ++i)
      for (int64_t j = 0; j < g.kw; ++j) {
        const Inside in = inside(j, g.stride, g.pad, g.w, g.ow);
        const int64_t tap = (c * g.kh + i) * g.kw + j;
        for (int64_t y = 0; y < g.oh; ++y) {
          const int64_t Y = g.stride * y + i - g.pad;
          row(tap * g.positions() + y * g.ow, Y >= 0 && Y < g.h, (c * g.h + Y) * g.w + j - g.pad, in);
        }
      }
}

// Where each entry of the patch matrix comes from in the large image (-1: the zero padding), in
// the patch matrix's order. Made once per geometry and thread, then im2col and col2im are one
// plain loop each over it, free of the per-row bookkeeping that dominated them.
const std::vector<int32_t> &patch_index(const Geometry &g) {
  thread_local std::map<std::array<int64_t, 10>, std::vector<int32_t>> made;
  std::vector<int32_t> &index = made[g.key()];
  if (!index.empty()) return index;
  index.assign(size_t(g.taps() * g.positions()), -1);
  for_each_patch_row(g, [&](int64_t at, bool row_inside, int64_t from, Inside in) {
    if (row_inside)
      for (int64_t x = in.first; x < in.end; ++x) index[size_t(at + x)] = static_cast<int32_t>(from + g.stride * x);
  });
  return index;
}

// col[tap, y, x] = large[c, s y + i - p, s x + j - p], zero in the padding.
// A masked gather: vectorized where the CPU has AVX2 or AVX-512 (copies: the same bits anywhere).
AEC_CPU_DISPATCH void gather(const int32_t *index, size_t count, const float *from, float *to) {
  for (size_t e = 0; e < count; ++e) to[e] = index[e] >= 0 ? from[index[e]] : 0.0f;
}

void im2col(const Geometry &g, const float *large, float *col) {
  const std::vector<int32_t> &index = patch_index(g);
  gather(index.data(), index.size(), large, col);
}

// large[c, s y + i - p, s x + j - p] += col[tap, y, x], the padding dropped (in the patch
// matrix's order, so the sums are always made in one order).
void col2im(const Geometry &g, const float *col, float *large) {
  std::fill(large, large + g.large(), 0.0f);
  const std::vector<int32_t> &index = patch_index(g);
  for (size_t e = 0; e < index.size(); ++e)
    if (index[e] >= 0) large[index[e]] += col[e];
}

// The patch matrix of one sample, in this thread's scratch (or the image itself).
const float *patches(const Geometry &g, const float *large, std::vector<float> &scratch) {
  if (patches_are_the_image(g)) return large;
  scratch.resize(static_cast<size_t>(g.taps() * g.positions()));
  im2col(g, large, scratch.data());
  return scratch.data();
}

thread_local std::vector<float> t_scratch;

// Samples in one oneDNN call, and summed together by conv_filter before the partial sums are
// added in order.
constexpr int64_t kChunk = 16;

ConvLowering g_forced = ConvLowering::ByRule;

// oneDNN for every convolution it can take (filters shared by the samples, operands one sample
// after another), except the input gradient onto an image of one channel. Measured at conv_ae's
// shapes, batch 128, one thread (bench/conv_shapes, AVX-512 Xeon): oneDNN's blocked kernels with
// the reorders around them take 0.22-0.67 of im2col's time on every operation but that one, where
// they take 4-6 times as long (a blocked layout of one channel leaves the vectors 1/16 full);
// oneDNN on aec's own layouts (its gemm:jit, an im2col too) takes 0.9-1.9 of it. All twelve: 6.2
// ms by this rule in chunks of 16 samples, 15.5 by im2col alone.
bool onednn_takes(ConvOp op, const Geometry &g, int64_t k_stride, int64_t operand_stride, int64_t operand_size) {
  if (g_forced == ConvLowering::Im2col || k_stride != 0 || operand_stride != operand_size) return false;
  return (g_forced == ConvLowering::OneDnn || !(op == ConvOp::InputGradient && g.c == 1)) && aec::runtime::onednn::available(op, g);
}

// body(first sample, samples) over the fixed chunks of `count` samples, on the team.
template <class Body> void for_each_chunk(int64_t count, int64_t work_per_sample, Body body) {
  const int64_t chunks = (count + kChunk - 1) / kChunk;
  aec::runtime::share_items(chunks, kChunk * work_per_sample, [&](int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; ++c) body(c * kChunk, std::min(kChunk, count - c * kChunk));
  });
}

// For --profile (runtime/step_profile.h): a convolution over the batch as the product it lowers to,
// m x n x k, and the library that runs it.
void profile_convolution(int64_t m, int64_t n, int64_t k, bool onednn) {
  aec::runtime::add_product_to_step({false, false, m, n, k}, onednn ? aec::runtime::kOneDnn : aec::runtime::kOpenBlas);
}

} // namespace

extern "C" void aec_conv(const int64_t *geometry, const float *k, int64_t k_stride, const float *large, int64_t large_stride, float *small,
                         int64_t count) {
  const Geometry g(geometry);
  const bool onednn = onednn_takes(ConvOp::Forward, g, k_stride, large_stride, g.large());
  profile_convolution(g.o, g.positions() * count, g.taps(), onednn);
  if (onednn)
    return for_each_chunk(count, g.small() * g.taps(),
                          [&](int64_t b, int64_t n) { aec::runtime::onednn::conv(g, k, large + b * g.large(), small + b * g.small(), n); });
  aec::runtime::share_items(count, g.small() * g.taps(), [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b) {
      const float *col = patches(g, large + b * large_stride, t_scratch);
      sgemm(false, false, g.o, g.positions(), g.taps(), k + b * k_stride, g.taps(), col, g.positions(), 0.0f, small + b * g.small(),
            g.positions());
    }
  });
}

extern "C" void aec_conv_t(const int64_t *geometry, const float *k, int64_t k_stride, const float *small, int64_t small_stride,
                           float *large, int64_t count) {
  const Geometry g(geometry);
  const bool onednn = onednn_takes(ConvOp::InputGradient, g, k_stride, small_stride, g.small());
  profile_convolution(g.taps(), g.positions() * count, g.o, onednn);
  if (onednn)
    return for_each_chunk(count, g.small() * g.taps(), [&](int64_t b, int64_t n) {
      aec::runtime::onednn::conv_t(g, k, small + b * g.small(), large + b * g.large(), n);
    });
  aec::runtime::share_items(count, g.small() * g.taps(), [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b) {
      float *out = large + b * g.large();
      float *col = out;
      if (!patches_are_the_image(g)) {
        t_scratch.resize(static_cast<size_t>(g.taps() * g.positions()));
        col = t_scratch.data();
      }
      sgemm(true, false, g.taps(), g.positions(), g.o, k + b * k_stride, g.taps(), small + b * small_stride, g.positions(), 0.0f, col,
            g.positions());
      if (col != out) col2im(g, col, out);
    }
  });
}

extern "C" void aec_conv_filter(const int64_t *geometry, const float *small, int64_t small_stride, const float *large, int64_t large_stride,
                                float *k, int64_t count) {
  const Geometry g(geometry);
  const int64_t chunks = std::max<int64_t>(1, (count + kChunk - 1) / kChunk);
  const bool onednn = count > 0 && onednn_takes(ConvOp::FilterGradient, g, 0, small_stride, g.small()) &&
                      onednn_takes(ConvOp::FilterGradient, g, 0, large_stride, g.large());
  profile_convolution(g.o, g.taps(), g.positions() * count, onednn);
  std::vector<float> partial(static_cast<size_t>(chunks * g.filters()));
  aec::runtime::share_items(chunks, kChunk * g.small() * g.taps(), [&](int64_t c0, int64_t c1) {
    for (int64_t chunk = c0; chunk < c1; ++chunk) {
      float *sum = partial.data() + chunk * g.filters();
      const int64_t first = chunk * kChunk, n = std::min(kChunk, count - first);
      if (onednn) {
        aec::runtime::onednn::conv_filter(g, small + first * g.small(), large + first * g.large(), sum, n);
        continue;
      }
      std::fill(sum, sum + g.filters(), 0.0f);
      for (int64_t b = first; b < first + n; ++b) {
        const float *col = patches(g, large + b * large_stride, t_scratch);
        sgemm(false, true, g.o, g.taps(), g.positions(), small + b * small_stride, g.positions(), col, g.positions(), 1.0f, sum, g.taps());
      }
    }
  });
  std::copy(partial.begin(), partial.begin() + g.filters(), k);
  for (int64_t chunk = 1; chunk < chunks; ++chunk)
    for (int64_t i = 0; i < g.filters(); ++i) k[i] += partial[static_cast<size_t>(chunk * g.filters() + i)];
}

namespace aec::runtime {
void force_conv_lowering(ConvLowering lowering) { g_forced = lowering; }
} // namespace aec::runtime
