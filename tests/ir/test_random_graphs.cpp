// The whole pass pipeline against the reference evaluator on 1000 random graphs
// (support/random_graph.h): values and gradients before and after optimization must agree.
#include "autodiff/autodiff.h"
#include "passes/passes.h"
#include "support/random_graph.h"
#include "support/test_support.h"

#include <doctest/doctest.h>

using namespace aec;
using ir::NodeId;

TEST_CASE("1000 random graphs: values and gradients agree before and after the pipeline") {
  int rules_changed_something = 0;
  for (uint64_t seed = 1; seed <= 1000; ++seed) {
    INFO("seed " << seed);
    std::vector<NodeId> params;
    ir::Graph before = test::random_graph(seed, params);
    std::vector<NodeId> grads = autodiff::gradients(before, before.output("loss"), params);
    for (size_t i = 0; i < grads.size(); ++i) before.outputs.push_back({"grad." + before.node(params[i]).attr.name, grads[i]});
    passes::verify(before);
    ir::Graph after = passes::optimize(before);
    passes::verify(after);
    if (after.size() != passes::remove_dead_nodes(before).size()) ++rules_changed_something;

    eval::Bindings<double> bind = test::random_graph_bindings(before, params, seed);
    for (const ir::Output &o : before.outputs) {
      INFO(o.name);
      auto a = eval::evaluate(before, {o.node}, bind)[0];
      auto b = eval::evaluate(after, {after.output(o.name)}, bind)[0];
      REQUIRE(a.allFinite());
      CHECK(test::relative_error(b, a) < 1e-9);
    }
  }
  CHECK(rules_changed_something > 500);
}
