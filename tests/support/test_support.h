// Helpers shared by the tests: loading example programs, random bindings, error norms.
#pragma once
#include "driver/driver.h"
#include "eval/reference.h"

#include <doctest/doctest.h>
#include <random>
#include <string>
#include <vector>

namespace aec::test {

std::string example_path(const std::string &name); // examples/NAME.ae
Model load_example(const std::string &name, ir::Size width, std::map<std::string, std::string> overrides = {});
// The width a test may choose for an example's input: `preferred`, unless the program fixes it
// (conv_ae views a sample as a 28 x 28 image).
ir::Size example_width(const std::string &name, ir::Size preferred);
Model load_text(const std::string &text, std::optional<ir::Size> width = std::nullopt);

// n floats uniform in [-1, 1): operands for the products' tests.
inline std::vector<float> random_floats(size_t n, std::mt19937 &rng) {
  std::uniform_real_distribution<float> u(-1, 1);
  std::vector<float> v(n);
  for (float &x : v) x = u(rng);
  return v;
}

// A program whose matrices depend on the sample: per-sample inv, solve, diag and products.
inline constexpr const char *kPerSampleLinalg = "dim D\ninput x : [D]\nparam W : [3, D] = glorot\nparam s : [D] = ones\n"
                                                "A = W * diag(x .* s) * W' + eye(3)\n"
                                                "z = solve(A, W * x)\n"
                                                "minimize ||x - W' * z||^2 + sum(inv(A) * z) + dot(z, A * z)\n";

// Every image op on odd sizes (pooling drops the last row and column): a per-channel bias,
// convolutions with stride and padding, both poolings, conv_t, upsample, reshape and flatten.
inline constexpr const char *kImageOps = "dim D\ninput x : [D]\n"
                                         "param K1 : [3, 1, 3, 3] = glorot\nparam b1 : [3] = normal(0.3)\n"
                                         "param K2 : [4, 3, 2, 2] = glorot\nparam T : [4, 2, 4, 4] = glorot\n"
                                         "param U : [2, 1, 2, 2] = glorot\n"
                                         "img = reshape(x, 1, 9, 9)\n"
                                         "h1 = tanh(conv(K1, img, pad=1) + b1)\n"
                                         "h2 = relu(conv(K2, maxpool(h1, 2) + avgpool(h1, 2) .* b1, stride=2))\n"
                                         "u = conv_t(T, h2, stride=2, pad=1)\n"
                                         "r = conv_t(U, upsample(u, 2))\n"
                                         "minimize ||img - r||^2 + 0.1 * sum(flatten(h2))\n"
                                         "output code = flatten(h2)\n";

// Classification: softmax, log_softmax and cross_entropy on logits (targets that are a
// distribution of the sample), argmax and equal as a metric.
inline constexpr const char *kClassification =
    "dim D\ninput x : [D]\n"
    "param W : [5, D] = glorot\nparam b : [5] = normal(0.5)\n"
    "param V : [5, D] = glorot\n"
    "logits = 4 * (W * x + b)\n"
    "target = softmax(V * x)\n"
    "minimize cross_entropy(target, logits) + 0.5 * sum(softmax(logits) .* log_softmax(logits + b))\n"
    "output correct = equal(argmax(logits), argmax(target))\n"
    "output p = softmax(logits)\n";

// passes::optimize, with the verifier run after each algebraic pass on its own and after each
// pass of the pipeline; a violation throws std::logic_error naming the pass.
ir::Graph optimize_verifying_every_pass(const ir::Graph &g);

// The names of the programs in examples/ (NAME for examples/NAME.ae), sorted.
std::vector<std::string> example_names();
// Calls check(name, row) for every example in examples/ with its row in `rows` (a map from the
// example's name); an example without a row fails, so a new example is not left unchecked.
template <class Rows, class Check> void for_every_example(const Rows &rows, Check check) {
  for (const std::string &name : example_names()) {
    INFO(name);
    auto row = rows.find(name);
    if (row == rows.end()) FAIL_CHECK("examples/" << name << ".ae has no row in the test's table");
    else check(name, row->second);
  }
}

// Small sizes for an example's dims, so that tests run quickly.
std::map<std::string, std::string> small_overrides(const std::string &model);

// Random params (scaled like their initializers), a random input batch in [0, 1) and fixed
// noise draws for every noise node of `g`.
template <class T> eval::Bindings<T> random_bindings(const Model &m, const ir::Graph &g, int batch, uint64_t seed);

// Every param's symbolic gradient (output "grad.P" of `g`) against central finite differences of
// its "loss" in double precision, noise held fixed: up to `entries` random entries of each param;
// returns each param's error relative to its gradient's norm (or to 1e-6 (1 + |loss|) when that
// is larger: finite differences resolve little below it).
std::vector<std::pair<std::string, double>> gradient_errors(const Model &m, const ir::Graph &g, int batch, uint64_t seed, size_t entries);

// ||a - b|| / max(||b||, tiny)
double relative_error(const eval::Mat<double> &a, const eval::Mat<double> &b);

} // namespace aec::test
