// The runtime's convolutions, through each lowering (im2col + SGEMM, oneDNN, and the choice by
// operation and geometry), against the reference's direct loops, over every small geometry:
// strides 1 to 3, paddings 0 to 3 (also wider than the window), windows 1 to 4.
#include "eval/images.h"
#include "runtime/conv_calls.h"
#include "runtime/work_sharing.h"

#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <vector>

namespace {

// The largest difference relative to 1 + |b|: float rounding grows with the sums' size.
double max_difference(const std::vector<float> &a, const std::vector<double> &b) {
  double worst = 0;
  for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(double(a[i]) - b[i]) / (1 + std::abs(b[i])));
  return worst;
}

std::vector<float> random_values(size_t n, std::mt19937_64 &rng) {
  std::normal_distribution<float> normal;
  std::vector<float> v(n);
  for (float &x : v) x = normal(rng);
  return v;
}

// Sets a lowering for the scope.
struct Lowering {
  explicit Lowering(aec::runtime::ConvLowering l) { aec::runtime::force_conv_lowering(l); }
  ~Lowering() { aec::runtime::force_conv_lowering(aec::runtime::ConvLowering::ByRule); }
};

void check_every_small_geometry(int64_t channels, int64_t count) {
  std::mt19937_64 rng(5);
  int checked = 0;
  for (int64_t stride = 1; stride <= 3; ++stride)
    for (int64_t pad = 0; pad <= 3; ++pad)
      for (int64_t k = 1; k <= 4; ++k)
        for (int64_t side : {1, 2, 5, 7}) {
          const int64_t o = 3, c = channels;
          if (side + 2 * pad < k) continue; // the window does not fit
          const int64_t out = (side + 2 * pad - k) / stride + 1;
          const int64_t geometry[10] = {o, c, k, k, side, side, out, out, stride, pad};
          aec::eval::ConvGeometry g{o, c, k, k, side, side, out, out, stride, pad};
          const size_t large = size_t(c * side * side), small = size_t(o * out * out), filters = size_t(o * c * k * k);
          std::vector<float> K = random_values(filters, rng), x = random_values(large * count, rng), dy = random_values(small * count, rng);
          INFO("channels " << c << " samples " << count << " stride " << stride << " pad " << pad << " k " << k << " side " << side);

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

} // namespace

TEST_CASE("conv, conv_t and conv_filter through GEMMs match the direct loops on every small geometry") {
  Lowering l(aec::runtime::ConvLowering::Im2col);
  check_every_small_geometry(2, 3);
}

// 37 samples: two full chunks of a oneDNN call and a short one.
TEST_CASE("conv, conv_t and conv_filter through oneDNN match the direct loops on every small geometry") {
  Lowering l(aec::runtime::ConvLowering::OneDnn);
  check_every_small_geometry(2, 37);
  check_every_small_geometry(1, 5);
}

TEST_CASE("conv, conv_t and conv_filter by the lowering each geometry gets match the direct loops") {
  check_every_small_geometry(1, 3);
  check_every_small_geometry(3, 17);
}

// conv_ae's second layer, 70 samples (four chunks and a short one), on teams of 1, 2 and 3 with
// every call shared: the same bits, through either lowering.
TEST_CASE("convolutions on two or three threads are bit for bit one thread's, through either lowering") {
  std::mt19937_64 rng(11);
  const int64_t geometry[10] = {32, 16, 3, 3, 14, 14, 7, 7, 2, 1}, count = 70;
  const size_t large = 16 * 14 * 14, small = 32 * 7 * 7, filters = 32 * 16 * 3 * 3;
  std::vector<float> K = random_values(filters, rng), x = random_values(large * count, rng), dy = random_values(small * count, rng);
  auto run = [&](int threads) {
    aec::runtime::set_team_size(threads);
    std::vector<float> y(small * count), dx(large * count), dK(filters);
    aec_conv(geometry, K.data(), 0, x.data(), int64_t(large), y.data(), count);
    aec_conv_t(geometry, K.data(), 0, dy.data(), int64_t(small), dx.data(), count);
    aec_conv_filter(geometry, dy.data(), int64_t(small), x.data(), int64_t(large), dK.data(), count);
    aec::runtime::set_team_size(1);
    y.insert(y.end(), dx.begin(), dx.end());
    y.insert(y.end(), dK.begin(), dK.end());
    return y;
  };
  const int64_t shared_from = aec::runtime::minimum_shared_work();
  aec::runtime::set_minimum_shared_work(0);
  for (auto lowering : {aec::runtime::ConvLowering::OneDnn, aec::runtime::ConvLowering::Im2col}) {
    Lowering l(lowering);
    std::vector<float> one = run(1);
    CHECK(run(2) == one);
    CHECK(run(3) == one);
  }
  aec::runtime::set_minimum_shared_work(shared_from);
}
