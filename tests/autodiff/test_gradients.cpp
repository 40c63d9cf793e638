// Every param's symbolic gradient against central finite differences of the loss, in double
// precision (noise draws held fixed), on every example that compiles, the second-order ones included.
#include "eval/finite_difference.h"
#include "support/test_support.h"

#include <doctest/doctest.h>

#include <algorithm>

using namespace aec;

namespace {

void check_gradients(const Model &m, const std::string &name) {
  // Every entry of small params; 24 random entries of large ones.
  for (const auto &e : test::gradient_errors(m, driver::training_graph(m), 3, 7, 24)) {
    INFO(name << " param " << e.first << " relative error " << e.second);
    CHECK(e.second < 1e-6);
  }
}

void check_model(const std::string &name, ir::Size width) {
  check_gradients(test::load_example(name, width, test::small_overrides(name)), name);
}

} // namespace

TEST_CASE("gradients match central differences: pca_tied") { check_model("pca_tied", 9); }
TEST_CASE("gradients match central differences: pca_untied") { check_model("pca_untied", 9); }
TEST_CASE("gradients match central differences: relu_ae") { check_model("relu_ae", 10); }
TEST_CASE("gradients match central differences: denoising (tied W used twice)") { check_model("denoising", 8); }
TEST_CASE("gradients match central differences: deep_ae") {
  // deep_ae's layer sizes are literals; a narrow input keeps it quick.
  check_model("deep_ae", 6);
}

TEST_CASE("gradients match central differences: contractive (through the Jacobian df/dx)") { check_model("contractive", 7); }
TEST_CASE("gradients match central differences: denoising_contractive (two-layer Jacobian)") { check_model("denoising_contractive", 6); }

TEST_CASE("gradients match central differences: param2_inverse (through inv)") { check_model("param2_inverse", 7); }
TEST_CASE("gradients match central differences: per-sample inverses, solves and diag") {
  check_gradients(test::load_text(test::kPerSampleLinalg, 6), "per_sample_linalg");
}

TEST_CASE("gradients match central differences: factorization (per-sample code)") { check_model("factorization", 7); }
TEST_CASE("gradients match central differences: psd") { check_model("psd", 6); }
TEST_CASE("gradients match central differences: deep_decoder") { check_model("deep_decoder", 6); }
TEST_CASE("gradients match central differences: sparse_coding") { check_model("sparse_coding", 6); }

TEST_CASE("a tied weight's gradient is the sum of both uses") {
  Model m = test::load_text("dim D\ninput x : [D]\nparam W : [3, D] = glorot\nminimize ||x - W' * (W * x)||^2\n", 4);
  ir::Graph g = driver::training_graph(m);
  const ir::Node &grad = g.node(g.output("grad.W"));
  CHECK(grad.op == ir::Op::Add);
}
