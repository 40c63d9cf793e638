// Every param's symbolic gradient against central finite differences of the loss, in double
// precision (noise draws held fixed), on every example that compiles, the second-order ones included.
#include "eval/finite_difference.h"
#include "support/test_support.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>

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

// Every example in examples/, at a width that keeps finite differences quick (deep_ae's layer
// sizes are literals, so its input is narrow). A new example without a row fails the test.
const std::map<std::string, ir::Size> kWidths = {
    {"pca_tied", 9},
    {"pca_untied", 9},
    {"relu_ae", 10},
    {"denoising", 8},
    {"deep_ae", 6},
    {"contractive", 7},
    {"denoising_contractive", 6},
    {"param2_inverse", 7},
    {"param3_shared", 7},
    {"factorization", 7},
    {"psd", 6},
    {"deep_decoder", 6},
    {"sparse_coding", 6},
    {"sparse_ae", 7},
    {"masking", 7},
    {"robust_ae", 7},
    {"unrolled_ls", 6},
    {"vae", 6},
    {"conv_ae", 784}, // its reshape to 28 x 28 fixes the width
    {"sparse_ae_kl", 7},
    {"classifier", 9},
};

TEST_CASE("gradients match central differences on every example, the second-order ones included") {
  test::for_every_example(kWidths, check_model);
}

TEST_CASE("gradients match central differences: per-sample inverses, solves and diag") {
  check_gradients(test::load_text(test::kPerSampleLinalg, 6), "per_sample_linalg");
}

TEST_CASE("gradients match central differences: convolutions, pooling and upsampling on images") {
  check_gradients(test::load_text(test::kImageOps, 81), "image_ops");
}

TEST_CASE("gradients match central differences: softmax, log_softmax and cross_entropy") {
  check_gradients(test::load_text(test::kClassification, 6), "classification");
}

TEST_CASE("a tied weight's gradient is the sum of both uses") {
  Model m = test::load_text("dim D\ninput x : [D]\nparam W : [3, D] = glorot\nminimize ||x - W' * (W * x)||^2\n", 4);
  ir::Graph g = driver::training_graph(m);
  const ir::Node &grad = g.node(g.output("grad.W"));
  CHECK(grad.op == ir::Op::Add);
}
