// Convolutions as GEMMs: each sample's large image is unfolded into the matrix of its patches
// (im2col: one row per filter tap (c, i, j), one column per output position), so that
//   conv:        small[o, yx]    = K[o, cij] col[cij, yx]
//   conv_t:      col[cij, yx]    = K[o, cij]' small[o, yx], then folded back (col2im, summing overlaps)
//   conv_filter: K[o, cij]      += small[o, yx] col[cij, yx]'
// Samples are independent for conv and conv_t and go to the team; conv_filter sums over them in a
// fixed partition of the batch, so any team size gives the same bits.
#include "runtime/conv_calls.h"
#include "runtime/work_sharing.h"

#include <cblas.h>

#include <algorithm>
#include <vector>

namespace {

struct Geometry {
  int64_t o, c, kh, kw, h, w, oh, ow, stride, pad;
  explicit Geometry(const int64_t *g)
      : o(g[0]), c(g[1]), kh(g[2]), kw(g[3]), h(g[4]), w(g[5]), oh(g[6]), ow(g[7]), stride(g[8]), pad(g[9]) {}
  int64_t taps() const { return c * kh * kw; }
  int64_t positions() const { return oh * ow; }
  int64_t large() const { return c * h * w; }
  int64_t small() const { return o * oh * ow; }
  int64_t filters() const { return o * taps(); }
  // A 1 x 1 convolution with stride 1 and no padding: the image is its own patch matrix.
  bool patches_are_the_image() const { return kh == 1 && kw == 1 && stride == 1 && pad == 0; }
};

// Row-major C[M, N] = op(A) op(B) + beta C.
void sgemm(bool ta, bool tb, int64_t M, int64_t N, int64_t K, const float *A, int64_t lda, const float *B, int64_t ldb, float beta,
           float *C, int64_t ldc) {
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, static_cast<blasint>(M),
              static_cast<blasint>(N), static_cast<blasint>(K), 1.0f, A, static_cast<blasint>(lda), B, static_cast<blasint>(ldb), beta, C,
              static_cast<blasint>(ldc));
}

// Calls f(tap row, output position, large index) for the taps that land inside the image;
// `outside(tap row, position)` for those in the zero padding.
template <class Inside, class Outside> void for_each_patch_entry(const Geometry &g, Inside inside, Outside outside) {
  for (int64_t c = 0; c < g.c; ++c)
    for (int64_t i = 0; i < g.kh; ++i)
      for (int64_t j = 0; j < g.kw; ++j) {
        int64_t row = ((c * g.kh + i) * g.kw + j) * g.positions();
        for (int64_t y = 0; y < g.oh; ++y) {
          int64_t Y = g.stride * y + i - g.pad;
          for (int64_t x = 0; x < g.ow; ++x) {
            int64_t X = g.stride * x + j - g.pad;
            if (Y < 0 || Y >= g.h || X < 0 || X >= g.w) outside(row + y * g.ow + x);
            else inside(row + y * g.ow + x, (c * g.h + Y) * g.w + X);
          }
        }
      }
}

void im2col(const Geometry &g, const float *large, float *col) {
  for_each_patch_entry(
      g, [&](int64_t at, int64_t from) { col[at] = large[from]; }, [&](int64_t at) { col[at] = 0; });
}

void col2im(const Geometry &g, const float *col, float *large) {
  std::fill(large, large + g.large(), 0.0f);
  for_each_patch_entry(
      g, [&](int64_t at, int64_t to) { large[to] += col[at]; }, [](int64_t) {});
}

// The patch matrix of one sample, in this thread's scratch (or the image itself).
const float *patches(const Geometry &g, const float *large, std::vector<float> &scratch) {
  if (g.patches_are_the_image()) return large;
  scratch.resize(static_cast<size_t>(g.taps() * g.positions()));
  im2col(g, large, scratch.data());
  return scratch.data();
}

thread_local std::vector<float> t_scratch;

// Samples summed together by conv_filter before the partial sums are added in order.
constexpr int64_t kFilterChunk = 16;

} // namespace

extern "C" void aec_conv(const int64_t *geometry, const float *k, int64_t k_stride, const float *large, int64_t large_stride, float *small,
                         int64_t count) {
  const Geometry g(geometry);
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
  aec::runtime::share_items(count, g.small() * g.taps(), [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b) {
      float *out = large + b * g.large();
      float *col = out;
      if (!g.patches_are_the_image()) {
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
  const int64_t chunks = std::max<int64_t>(1, (count + kFilterChunk - 1) / kFilterChunk);
  std::vector<float> partial(static_cast<size_t>(chunks * g.filters()));
  aec::runtime::share_items(chunks, kFilterChunk * g.small() * g.taps(), [&](int64_t c0, int64_t c1) {
    for (int64_t chunk = c0; chunk < c1; ++chunk) {
      float *sum = partial.data() + chunk * g.filters();
      std::fill(sum, sum + g.filters(), 0.0f);
      for (int64_t b = chunk * kFilterChunk; b < std::min(count, (chunk + 1) * kFilterChunk); ++b) {
        const float *col = patches(g, large + b * large_stride, t_scratch);
        sgemm(false, true, g.o, g.taps(), g.positions(), small + b * small_stride, g.positions(), col, g.positions(), 1.0f, sum, g.taps());
      }
    }
  });
  std::copy(partial.begin(), partial.begin() + g.filters(), k);
  for (int64_t chunk = 1; chunk < chunks; ++chunk)
    for (int64_t i = 0; i < g.filters(); ++i) k[i] += partial[static_cast<size_t>(chunk * g.filters() + i)];
}
