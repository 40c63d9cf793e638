// The runtime's convolutions (im2col + SGEMM) against the reference's direct loops, over every
// small geometry: strides 1 to 3, paddings 0 to 3 (also wider than the window), windows 1 to 4.
#include "eval/images.h"
#include "runtime/conv_calls.h"

#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <vector>

namespace {

double max_difference(const std::vector<float> &a, const std::vector<double> &b) {
  double worst = 0;
  for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(double(a[i]) - b[i]));
  return worst;
}

std::vector<float> random_values(size_t n, std::mt19937_64 &rng) {
  std::normal_distribution<float> normal;
  std::vector<float> v(n);
  for (float &x : v) x = normal(rng);
  return v;
}

} // namespace

TEST_CASE("conv, conv_t and conv_filter through GEMMs match the direct loops on every small geometry") {
  std::mt19937_64 rng(5);
  int checked = 0;
  for (int64_t stride = 1; stride <= 3; ++stride)
    for (int64_t pad = 0; pad <= 3; ++pad)
      for (int64_t k = 1; k <= 4; ++k)
        for (int64_t side : {1, 2, 5, 7}) {
          const int64_t o = 3, c = 2, count = 3;
          if (side + 2 * pad < k) continue; // the window does not fit
          const int64_t out = (side + 2 * pad - k) / stride + 1;
          const int64_t geometry[10] = {o, c, k, k, side, side, out, out, stride, pad};
          aec::eval::ConvGeometry g{o, c, k, k, side, side, out, out, stride, pad};
          const size_t large = size_t(c * side * side), small = size_t(o * out * out), filters = size_t(o * c * k * k);
          std::vector<float> K = random_values(filters, rng), x = random_values(large * count, rng), dy = random_values(small * count, rng);
          INFO("stride " << stride << " pad " << pad << " k " << k << " side " << side);

          std::vector<float> y(small * count), dx(large * count), dK(filters);
          aec_conv(geometry, K.data(), 0, x.data(), int64_t(large), y.data(), count);
          aec_conv_t(geometry, K.data(), 0, dy.data(), int64_t(small), dx.data(), count);
          aec_conv_filter(geometry, dy.data(), int64_t(small), x.data(), int64_t(large), dK.data(), count);

          std::vector<double> Kd(K.begin(), K.end()), xd(x.begin(), x.end()), dyd(dy.begin(), dy.end());
          std::vector<double> want_y(small * count), want_dx(large * count), want_dK(filters, 0.0);
          for (int64_t b = 0; b < count; ++b) {
            aec::eval::conv(g, Kd.data(), xd.data() + b * large, want_y.data() + b * small);
            aec::eval::conv_t(g, Kd.data(), dyd.data() + b * small, want_dx.data() + b * large);
            aec::eval::conv_filter_add(g, dyd.data() + b * small, xd.data() + b * large, want_dK.data());
          }
          CHECK(max_difference(y, want_y) < 1e-4);
          CHECK(max_difference(dx, want_dx) < 1e-4);
          CHECK(max_difference(dK, want_dK) < 1e-4);
          ++checked;
        }
  CHECK(checked > 150);
}
