// Every initializer of LANGUAGE.md against what it promises: glorot's bound and variance, a
// normal's standard deviation, a uniform's range and mean, orthonormal columns or rows, the
// identity, constants; and per-sample params get a fresh draw per row.
#include "runtime/init.h"
#include "support/eigen.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

using namespace aec;
using namespace aec::runtime;

namespace {

ParamInfo param(const std::string &init, ir::Shape shape, std::vector<double> args = {}) {
  ParamInfo p;
  p.name = "P";
  p.shape = shape;
  p.init = init;
  p.init_args = std::move(args);
  return p;
}

double mean(const std::vector<float> &v) { return std::accumulate(v.begin(), v.end(), 0.0) / double(v.size()); }
double variance(const std::vector<float> &v) {
  const double m = mean(v);
  double s = 0;
  for (float x : v) s += (x - m) * (x - m);
  return s / double(v.size());
}

} // namespace

TEST_CASE("glorot draws uniformly on +-sqrt(6 / (rows + cols))") {
  std::mt19937_64 rng(3);
  std::vector<float> v = initialize(param("glorot", ir::Shape::matrix(200, 300)), rng);
  const double limit = std::sqrt(6.0 / 500);
  auto [lo, hi] = std::minmax_element(v.begin(), v.end());
  CHECK(*lo >= -limit);
  CHECK(*hi <= limit);
  CHECK(*hi > 0.99 * limit); // 60000 draws reach the bound
  CHECK(*lo < -0.99 * limit);
  CHECK(variance(v) == doctest::Approx(limit * limit / 3).epsilon(0.02).scale(0));
  CHECK(std::abs(mean(v)) < 0.01 * limit);
}

TEST_CASE("normal, uniform, const, ones, zeros and identity") {
  std::mt19937_64 rng(5);
  std::vector<float> n = initialize(param("normal", ir::Shape::matrix(100, 100), {0.3}), rng);
  CHECK(std::sqrt(variance(n)) == doctest::Approx(0.3).epsilon(0.02).scale(0));
  CHECK(std::abs(mean(n)) < 0.01);
  std::vector<float> u = initialize(param("uniform", ir::Shape::vector(20000), {-1, 3}), rng);
  CHECK(*std::min_element(u.begin(), u.end()) >= -1);
  CHECK(*std::max_element(u.begin(), u.end()) < 3);
  CHECK(mean(u) == doctest::Approx(1).epsilon(0.03).scale(0));
  CHECK(variance(u) == doctest::Approx(16.0 / 12).epsilon(0.03).scale(0));
  CHECK(initialize(param("const", ir::Shape::vector(3), {2.5}), rng) == std::vector<float>{2.5f, 2.5f, 2.5f});
  CHECK(initialize(param("ones", ir::Shape::vector(2)), rng) == std::vector<float>{1, 1});
  CHECK(initialize(param("zeros", ir::Shape::vector(2)), rng) == std::vector<float>{0, 0});
  CHECK(initialize(param("identity", ir::Shape::matrix(2, 3)), rng) == std::vector<float>{1, 0, 0, 1, 0, 0}); // column-major
}

TEST_CASE("orthogonal gives orthonormal columns when tall and orthonormal rows when wide") {
  std::mt19937_64 rng(9);
  for (ir::Shape s : {ir::Shape::matrix(7, 3), ir::Shape::matrix(3, 7)}) {
    std::vector<float> v = initialize(param("orthogonal", s), rng);
    Eigen::Map<const Eigen::MatrixXf> m(v.data(), s.rows(), s.cols());
    Eigen::MatrixXd gram =
        s.rows() > s.cols() ? Eigen::MatrixXd((m.transpose() * m).cast<double>()) : Eigen::MatrixXd((m * m.transpose()).cast<double>());
    CHECK((gram - Eigen::MatrixXd::Identity(3, 3)).norm() < 1e-5);
  }
}

TEST_CASE("a per-sample param draws every row afresh") {
  std::mt19937_64 rng(11);
  ParamInfo p = param("normal", ir::Shape::vector(4), {1.0});
  p.per_sample = true;
  std::vector<float> all = initialize_storage(p, 3, rng);
  REQUIRE(all.size() == 12);
  CHECK(!std::equal(all.begin(), all.begin() + 4, all.begin() + 4));
}
