// The JIT against the reference evaluator: the same optimized training graph, the same params,
// input and noise draws, in float32; every output (loss and every gradient) must agree.
#include "autodiff/autodiff.h"
#include "codegen/kernel.h"
#include "passes/passes.h"
#include "runtime/executor.h"
#include "runtime/work_sharing.h"
#include "support/jit_check.h"
#include "support/random_graph.h"
#include "support/test_support.h"

#include <doctest/doctest.h>

#include <map>
#include <set>

using namespace aec;

namespace {

void check_jit_model(const Model &m, const std::string &name, int batch, int threads = 1) {
  ir::Graph g = passes::optimize(driver::training_graph(m));
  passes::verify(g);
  // Within 1e-5 of the reference's norm, plus ten times the float reference's own error against
  // double: an output that float32 computes only roughly (a sum whose terms cancel, such as
  // conv_ae's gradient of its last bias) differs by more in any other order of the sums.
  for (const test::JitError &e : test::jit_errors(m, g, batch, 3, threads)) {
    INFO(name << " output " << e.output << " relative error " << e.relative << "; float32's own " << e.float_error / e.reference_norm);
    CHECK(e.absolute <= 1e-5 * e.reference_norm + 10 * e.float_error);
  }
}

void check_jit(const std::string &name, ir::Size width, int batch, int threads = 1) {
  check_jit_model(test::load_example(name, width, test::small_overrides(name)), name, batch, threads);
}

} // namespace

// Every example in examples/: {width, batch}. A new example without a row fails the test.
const std::map<std::string, std::pair<ir::Size, int>> kSizes = {
    {"pca_tied", {20, 16}},
    {"pca_untied", {20, 16}},
    {"relu_ae", {30, 17}},
    {"deep_ae", {40, 8}},
    {"denoising", {25, 9}},
    {"contractive", {20, 7}},
    {"denoising_contractive", {18, 6}},
    {"param2_inverse", {12, 9}},
    {"param3_shared", {12, 9}},
    {"factorization", {14, 6}},
    {"psd", {12, 5}},
    {"deep_decoder", {10, 5}},
    {"sparse_coding", {10, 5}},
    {"sparse_ae", {16, 7}},
    {"masking", {16, 7}},
    {"robust_ae", {16, 7}},
    {"unrolled_ls", {12, 6}},
    {"vae", {12, 6}},
    {"conv_ae", {784, 4}},
    {"sparse_ae_kl", {16, 7}},
    {"classifier", {12, 9}},
};

TEST_CASE("JIT matches the reference on every example (Jacobian penalties, inverses, per-sample codes, noise)") {
  test::for_every_example(kSizes, [](const std::string &name, std::pair<ir::Size, int> size) { check_jit(name, size.first, size.second); });
}

TEST_CASE("JIT matches the reference: per-sample inverses, solves and products") {
  // A depends on the sample, so inv, solve and the products run once per sample.
  check_jit_model(test::load_text(test::kPerSampleLinalg, 6), "per_sample_linalg", 5);
}
TEST_CASE("JIT matches the reference: convolutions, pooling and upsampling on images") {
  check_jit_model(test::load_text(test::kImageOps, 81), "image_ops", 5);
  runtime::set_minimum_shared_work(0);
  check_jit_model(test::load_text(test::kImageOps, 81), "image_ops on three threads", 37, 3);
  runtime::set_minimum_shared_work(int64_t(1) << 20);
}
TEST_CASE("JIT matches the reference: softmax, log_softmax, cross_entropy, argmax and equal") {
  check_jit_model(test::load_text(test::kClassification, 7), "classification", 9);
  // logits in the thousands: exp would overflow float32 anywhere but through logsumexp
  check_jit_model(test::load_text("dim D\ninput x : [D]\nparam W : [4, D] = glorot\n"
                                  "minimize cross_entropy(softmax(W * x), 3000 * (W * x)) + sum(log_softmax(-3000 * (W * x)))\n",
                                  7),
                  "large logits", 9);
}
TEST_CASE("JIT matches the reference at full Fashion-MNIST width: relu_ae") { check_jit("relu_ae", 784, 32); }

TEST_CASE("every example's kernel on three threads, every loop and product shared, matches the reference") {
  runtime::set_minimum_shared_work(0);
  for (const std::string &name : test::example_names()) {
    INFO(name);
    check_jit(name, test::example_width(name, 20), 23, 3);
  }
  check_jit_model(test::load_text(test::kPerSampleLinalg, 6), "per_sample_linalg", 13, 3);
  runtime::set_minimum_shared_work(int64_t(1) << 20);
}

TEST_CASE("the JIT's kernels are vectorized for the host") {
  Model m = test::load_example("relu_ae", 784);
  driver::Options options = runtime::kernel_options(256, 1);
  options.codegen.text = codegen::Kernel::Text::LlvmIr;
  auto kernel = driver::compile(m, driver::Request::training_step(), options);
  // The fused elementwise loops use 8-wide float vectors on AVX2 hosts (4-wide on SSE-only).
  bool vectorized =
      kernel->llvm_ir().find("<8 x float>") != std::string::npos || kernel->llvm_ir().find("<4 x float>") != std::string::npos;
  CHECK(vectorized);
}

TEST_CASE("memory planning: computed buffers share workspace by liveness, never within a step") {
  Model m = test::load_example("deep_ae", 40);
  ir::Graph g = passes::optimize(driver::training_graph(m));
  codegen::Schedule s = codegen::make_schedule(g);
  CHECK(s.workspace_floats(256) * 2 < s.unplanned_floats(256));
  // Within one step, every buffer read and the one written live in distinct memory.
  for (const codegen::Step &st : s.steps) {
    std::vector<int> slots = codegen::step_reads(g, s, st);
    slots.push_back(s.slot[static_cast<size_t>(st.node)]);
    std::set<int> blocks;
    size_t planned = 0;
    for (int slot : slots) {
      int block = s.buffers[static_cast<size_t>(slot)].block;
      if (block < 0) continue;
      ++planned;
      blocks.insert(block);
    }
    CHECK(blocks.size() == planned);
  }
}

TEST_CASE("50 random graphs: the JIT matches the reference on values and gradients") {
  // (Each compiles a hundred kernels or so; the pass differential in test_ir runs 1000.)
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    INFO("seed " << seed);
    std::vector<ir::NodeId> params;
    ir::Graph g = test::random_graph(seed, params);
    std::vector<ir::NodeId> grads = autodiff::gradients(g, g.output("loss"), params);
    for (size_t i = 0; i < grads.size(); ++i) g.outputs.push_back({"grad." + g.node(params[i]).attr.name, grads[i]});
    eval::Bindings<double> exact = test::random_graph_bindings(g, params, seed); // by name: valid after optimizing
    g = passes::optimize(g);
    auto kernel = codegen::Kernel::compile(g, "random", runtime::kernel_options(256, 1).codegen);
    eval::Bindings<float> bind;
    bind.input = exact.input.cast<float>();
    for (auto &[name, v] : exact.params) bind.params[name] = v.cast<float>();
    runtime::Executor ex(*kernel, 3);
    for (auto &[name, v] : bind.params) ex.bind_param(name, v.data());
    if (float *input = ex.input(test::kRandomGraphInput)) std::copy(bind.input.data(), bind.input.data() + bind.input.size(), input);
    ex.run(3);
    eval::Bindings<double> rounded; // the float32 values, evaluated in double
    rounded.input = bind.input.cast<double>();
    for (auto &[name, v] : bind.params) rounded.params[name] = v.cast<double>();
    for (const ir::Output &o : g.outputs) {
      INFO(o.name);
      eval::Mat<float> want = eval::evaluate(g, {o.node}, bind)[0]; // the same float32 arithmetic
      Eigen::Map<const eval::Mat<float>> got(ex.output(o.name), want.rows(), want.cols());
      // Within 1e-4, or ten times what float32 costs the reference itself where the output is
      // ill-conditioned (the JIT's fused multiply-adds round differently from the reference).
      const double float_error = test::relative_error(want.cast<double>(), eval::evaluate(g, {o.node}, rounded)[0]);
      CHECK(test::relative_error(got.cast<double>(), want.cast<double>()) < std::max(1e-4, 10 * float_error));
    }
  }
}
