#include "runtime/init.h"

#include "support/eigen.h"
#include <cmath>

namespace aec::runtime {

std::vector<float> initialize(const ParamInfo &p, std::mt19937_64 &rng) {
  const int64_t rows = p.shape.rows(), cols = p.shape.cols();
  std::vector<float> v(static_cast<size_t>(p.shape.numel()), 0.0f);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> unit;
  auto fill = [&](auto draw) {
    for (float &x : v) x = static_cast<float>(draw());
  };
  if (p.init == "ones") fill([] { return 1.0; });
  else if (p.init == "const") fill([&] { return p.init_args[0]; });
  else if (p.init == "normal") fill([&] { return p.init_args[0] * normal(rng); });
  else if (p.init == "uniform") fill([&] { return p.init_args[0] + (p.init_args[1] - p.init_args[0]) * unit(rng); });
  else if (p.init == "glorot") {
    // uniform on +-sqrt(6 / (fan_in + fan_out)); a vector counts as one column; a filter bank
    // [o, c, kh, kw] has fan-in c kh kw and fan-out o kh kw (an image [c, h, w] is the bank [c, 1, h, w])
    const ir::Shape &s = p.shape;
    double fans = s.rank == 4   ? double((s.d[0] + s.d[1]) * s.d[2] * s.d[3])
                  : s.rank == 3 ? double((s.d[0] + 1) * s.d[1] * s.d[2])
                                : double(rows + cols);
    double limit = std::sqrt(6.0 / fans);
    fill([&] { return limit * (2 * unit(rng) - 1); });
  } else if (p.init == "identity") {
    for (int64_t i = 0; i < std::min(rows, cols); ++i) v[size_t(i + i * rows)] = 1.0f;
  } else if (p.init == "orthogonal") {
    // Q of a Gaussian matrix: orthonormal columns (or rows, when wider than tall)
    int64_t tall = std::max(rows, cols), narrow = std::min(rows, cols);
    Eigen::MatrixXd a(tall, narrow);
    for (Eigen::Index i = 0; i < a.size(); ++i) a.data()[i] = normal(rng);
    Eigen::HouseholderQR<Eigen::MatrixXd> qr(a);
    Eigen::MatrixXd q = qr.householderQ() * Eigen::MatrixXd::Identity(tall, narrow);
    if (rows < cols) q.transposeInPlace();
    for (int64_t j = 0; j < cols; ++j)
      for (int64_t i = 0; i < rows; ++i) v[size_t(i + j * rows)] = static_cast<float>(q(i, j));
  }
  return v; // zeros: already
}

std::vector<float> initialize_storage(const ParamInfo &p, int64_t samples, std::mt19937_64 &rng) {
  if (!p.per_sample) return initialize(p, rng);
  std::vector<float> all;
  all.reserve(static_cast<size_t>(p.shape.numel() * samples));
  for (int64_t s = 0; s < samples; ++s) {
    std::vector<float> row = initialize(p, rng);
    all.insert(all.end(), row.begin(), row.end());
  }
  return all;
}

} // namespace aec::runtime
