// The algebraic passes on whole programs: stable forms stay finite, and values and gradients are
// preserved on every example's training graph. Golden graph text for each pass: tests/passes/.
#include "ir/algorithms.h"
#include "passes/passes.h"
#include "support/test_support.h"

#include <doctest/doctest.h>
#include <filesystem>

using namespace aec;

TEST_CASE("log(sigmoid(a)) and log(1 - sigmoid(a)) stay finite for saturated logits") {
  Model m = test::load_text("dim D\ninput x : [D]\nminimize sum(log(sigmoid(100 * x)) + log(1 - sigmoid(100 * x)))\n", 4);
  ir::Graph g = passes::optimize(driver::training_graph(m));
  eval::Bindings<double> bind;
  bind.input = eval::Mat<double>::Constant(4, 2, 9.0); // logits of 900: sigmoid rounds to 1
  bind.input(0, 1) = -9.0;
  double loss = eval::evaluate(g, {g.output("loss")}, bind)[0](0, 0);
  CHECK(std::isfinite(loss));
  CHECK(loss == doctest::Approx(-3600.0)); // log s(a) + log(1 - s(a)) = -|a| - log(1 + e^-|a|): -900 per entry
}

TEST_CASE("simplification and the whole pipeline preserve every example's values and gradients") {
  std::vector<std::string> names;
  for (auto &e : std::filesystem::directory_iterator(AEC_EXAMPLES_DIR))
    if (e.path().extension() == ".ae") names.push_back(e.path().stem().string());
  CHECK(names.size() >= 18);
  for (const std::string &name : names) {
    INFO(name);
    Model m = test::load_example(name, test::example_width(name, 12), test::small_overrides(name));
    // Differentiated without simplifying first, against the simplified and optimized graph.
    ir::Graph plain = driver::training_graph(m, false);
    ir::Graph optimized = passes::optimize(driver::training_graph(m));
    passes::verify(optimized);
    auto bind = test::random_bindings<double>(m, plain, 4, 5);
    for (const ir::Output &o : plain.outputs) {
      INFO(o.name);
      auto a = eval::evaluate(plain, {o.node}, bind)[0];
      auto b = eval::evaluate(optimized, {optimized.output(o.name)}, bind)[0];
      CHECK(test::relative_error(b, a) < 1e-10);
    }
  }
}
