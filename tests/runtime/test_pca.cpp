// The numbers of the headline check against known answers: a data set built with a known
// spectrum and known directions (so its singular values, Eckart–Young errors and explained
// variance are exact), and bases rotated by known angles out of its top subspace.
#include "runtime/pca.h"
#include "runtime/synthetic.h"

#include <doctest/doctest.h>

#include <cmath>
#include <random>

using namespace aec::runtime;

namespace {

constexpr double kPi = 3.14159265358979323846;

// n samples of width d: X = U diag(s) V' with U = a random orthogonal d x d (its columns are the
// principal directions, in order) and V' = the first d rows of a random orthogonal n x n scaled
// so that X X' = U diag(s^2) U' exactly.
struct KnownData {
  Dataset data;
  Eigen::MatrixXd directions;
  Eigen::VectorXd s;
};

KnownData known_data(const std::vector<double> &s, int64_t n) {
  const int64_t d = int64_t(s.size());
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal;
  auto orthogonal = [&](int64_t rows, int64_t cols) {
    Eigen::MatrixXd a(rows, cols);
    for (Eigen::Index i = 0; i < a.size(); ++i) a.data()[i] = normal(rng);
    Eigen::HouseholderQR<Eigen::MatrixXd> qr(a);
    return Eigen::MatrixXd(qr.householderQ() * Eigen::MatrixXd::Identity(rows, cols));
  };
  KnownData k;
  k.directions = orthogonal(d, d);
  k.s = Eigen::Map<const Eigen::VectorXd>(s.data(), d);
  Eigen::MatrixXd v = orthogonal(n, d); // n x d, orthonormal columns
  Eigen::MatrixXd x = k.directions * k.s.asDiagonal() * v.transpose();
  k.data.n = n;
  k.data.width = d;
  k.data.values.resize(size_t(n * d));
  Eigen::Map<Eigen::MatrixXf>(k.data.values.data(), d, n) = x.cast<float>();
  return k;
}

// Column-major float copy of a d x k basis.
std::vector<float> floats(const Eigen::MatrixXd &b) {
  std::vector<float> out(size_t(b.size()));
  Eigen::Map<Eigen::MatrixXf>(out.data(), b.rows(), b.cols()) = b.cast<float>();
  return out;
}

const std::vector<double> kSpectrum = {9, 7, 5, 3, 2, 1, 0.5, 0.25};

} // namespace

TEST_CASE("the spectrum of data with a known spectrum: singular values, Eckart-Young errors, explained variance") {
  KnownData k = known_data(kSpectrum, 400);
  Spectrum s = spectrum(k.data);
  REQUIRE(s.singular_values.size() == 8);
  for (int i = 0; i < 8; ++i) CHECK(s.singular_values[i] == doctest::Approx(kSpectrum[size_t(i)]).epsilon(1e-5).scale(0));
  double all = 0;
  for (double v : kSpectrum) all += v * v;
  for (int64_t r = 0; r <= 8; ++r) {
    double tail = 0, top = 0;
    for (int64_t i = 0; i < 8; ++i) (i < r ? top : tail) += kSpectrum[size_t(i)] * kSpectrum[size_t(i)];
    INFO("rank ", r);
    CHECK(s.optimal_error(r) == doctest::Approx(tail / 400).epsilon(1e-5).scale(1e-12));
    CHECK(s.explained_variance(r) == doctest::Approx(top / all).epsilon(1e-6).scale(1e-12));
  }
}

TEST_CASE("principal angles of a basis rotated by known angles out of the top subspace") {
  KnownData k = known_data(kSpectrum, 400);
  Spectrum s = spectrum(k.data);
  const Eigen::MatrixXd &u = k.directions;
  // span(B) = span(u0 cos a + u5 sin a, u1 cos b + u6 sin b, u2): angles {0, b, a} with the top 3,
  // whatever the basis's own scale and mixing within its span.
  const double a = 30, b = 10;
  Eigen::MatrixXd basis(8, 3);
  basis.col(0) = u.col(0) * std::cos(a * kPi / 180) + u.col(5) * std::sin(a * kPi / 180);
  basis.col(1) = u.col(1) * std::cos(b * kPi / 180) + u.col(6) * std::sin(b * kPi / 180);
  basis.col(2) = u.col(2);
  Eigen::MatrixXd mix(3, 3);
  mix << 2, 1, 0, 0, 3, 1, 1, 0, 0.5;
  std::vector<float> bf = floats(basis * mix);
  PcaCheck c = check_pca(s, bf.data(), 8, 3);
  REQUIRE(c.angles_deg.size() == 3);
  Eigen::VectorXd sorted = c.angles_deg;
  std::sort(sorted.data(), sorted.data() + 3);
  CHECK(sorted[0] == doctest::Approx(0).scale(1));
  CHECK(sorted[1] == doctest::Approx(b).epsilon(1e-3).scale(0));
  CHECK(sorted[2] == doctest::Approx(a).epsilon(1e-3).scale(0));
  CHECK(c.max_angle_deg == doctest::Approx(a).epsilon(1e-3).scale(0));
  CHECK(c.optimal_error == doctest::Approx((9 + 4 + 1 + 0.25 + 0.0625) / 400).epsilon(1e-5).scale(0));

  // The top subspace itself, in any basis: every angle 0.
  std::vector<float> top = floats(u.leftCols(3) * mix);
  CHECK(check_pca(s, top.data(), 8, 3).max_angle_deg == doctest::Approx(0).scale(1));
  // A basis orthogonal to it: 90 degrees.
  std::vector<float> away = floats(u.middleCols(3, 3));
  CHECK(check_pca(s, away.data(), 8, 3).max_angle_deg == doctest::Approx(90).epsilon(1e-6).scale(0));
  // A rank-deficient basis spans fewer than k directions: 90 degrees.
  Eigen::MatrixXd deficient = u.leftCols(3);
  deficient.col(2) = deficient.col(0);
  std::vector<float> df = floats(deficient);
  CHECK(check_pca(s, df.data(), 8, 3).max_angle_deg == 90.0);
}

TEST_CASE("centering subtracts each column's mean and returns it") {
  Dataset d;
  d.n = 4;
  d.width = 2;
  d.values = {1, 10, 2, 20, 3, 30, 6, 40}; // sample after sample
  std::vector<float> mean = center_in_place(d);
  CHECK(mean == std::vector<float>{3, 25});
  CHECK(d.values == std::vector<float>{-2, -15, -1, -5, 0, 5, 3, 15});
}

TEST_CASE("synthetic:lowrank has the spectrum its description promises: scales spaced evenly from 3 down to 1") {
  // x = U (s .* g) with g standard normal: X X' / n -> U diag(s^2) U', so s_i(X) / sqrt(n) -> s_i.
  Dataset d = synthetic_dataset("synthetic:lowrank?n=40000&d=12&rank=5&noise=0");
  Spectrum s = spectrum(d);
  const double expected[] = {3, 2.5, 2, 1.5, 1};
  for (int i = 0; i < 5; ++i) CHECK(s.singular_values[i] / std::sqrt(40000.0) == doctest::Approx(expected[i]).epsilon(0.02).scale(0));
  CHECK(s.singular_values[5] < 1e-3 * s.singular_values[0]); // rank 5, no noise
}
