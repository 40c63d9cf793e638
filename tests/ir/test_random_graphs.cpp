// The whole pass pipeline against the reference evaluator on 1000 random graphs
// (support/random_graph.h): values and gradients before and after optimization must agree.
#include "autodiff/autodiff.h"
#include "passes/passes.h"
#include "passes/rules.h"
#include "support/random_graph.h"
#include "support/test_support.h"

#include <doctest/doctest.h>

using namespace aec;
using ir::NodeId;

TEST_CASE("1000 random graphs: values and gradients agree before and after every pass") {
  int rules_changed_something = 0;
  for (uint64_t seed = 1; seed <= 1000; ++seed) {
    INFO("seed " << seed);
    std::vector<NodeId> params;
    ir::Graph before = test::random_graph(seed, params);
    std::vector<NodeId> grads = autodiff::gradients(before, before.output("loss"), params);
    for (size_t i = 0; i < grads.size(); ++i) before.outputs.push_back({"grad." + before.node(params[i]).attr.name, grads[i]});
    passes::verify(before);
    ir::Graph after = test::optimize_verifying_every_pass(before);
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

TEST_CASE("a rule table that never settles is a loud error, not a silent stop") {
  // -x -> 0 - x and 0 - x -> -x undo each other: every sweep changes the graph.
  static const passes::Rule kFlipFlop[] = {
      {"neg-to-sub",
       [](ir::Graph &g, const ir::Node &n, const std::vector<NodeId> &in, const passes::PassOptions &) -> NodeId {
         return n.op == ir::Op::Neg ? g.binary(ir::Op::Sub, g.constant(0), in[0]) : -1;
       }},
      {"sub-to-neg",
       [](ir::Graph &g, const ir::Node &n, const std::vector<NodeId> &in, const passes::PassOptions &) -> NodeId {
         return n.op == ir::Op::Sub && passes::is_const(g, in[0], 0) ? g.unary(ir::Op::Neg, in[1]) : -1;
       }},
  };
  std::vector<NodeId> params;
  ir::Graph g = test::random_graph(1, params);
  ir::Attr x;
  x.name = "x";
  g.outputs.push_back({"flip", g.unary(ir::Op::Neg, g.leaf(ir::Op::Input, ir::Shape::vector(5), true, x))});
  CHECK_THROWS_WITH_AS(passes::apply_rules(g, kFlipFlop, {}, "flip-flop"), "pass flip-flop did not reach a fixed point in 64 sweeps",
                       std::logic_error);
  CHECK_NOTHROW(passes::apply_rules(g, std::span(kFlipFlop, 1), {}, "one-way"));
}
