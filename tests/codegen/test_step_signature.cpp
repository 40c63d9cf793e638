// Loop steps with equal signatures share one compiled kernel: the signature must tell apart any
// two steps that compute different things, and an unrolled encoder must compile a fixed number of
// loops however many steps it unrolls.
#include "codegen/kernel.h"
#include "codegen/step_signature.h"
#include "passes/passes.h"
#include "support/jit_check.h"
#include "support/test_support.h"

#include <doctest/doctest.h>

#include <set>

using namespace aec;

namespace {

bool is_loop(const codegen::Step &st) {
  using codegen::StepKind;
  return st.kind == StepKind::Pointwise || st.kind == StepKind::SampleSum || st.kind == StepKind::BatchReduce ||
         st.kind == StepKind::AxisSum;
}

struct LoopCount {
  size_t steps = 0, kernels = 0;
};

LoopCount count_loops(const ir::Graph &g) {
  codegen::Schedule s = codegen::make_schedule(g);
  std::set<std::string> keys;
  LoopCount c;
  for (const codegen::Step &st : s.steps) {
    if (!is_loop(st)) continue;
    ++c.steps;
    keys.insert(codegen::step_signature(g, s, st).key);
  }
  c.kernels = keys.size();
  return c;
}

ir::Graph unrolled_training_graph(int steps) {
  Model m = test::load_example("unrolled_ls", 12, {{"T", std::to_string(steps)}, {"k", "4"}});
  return passes::optimize(driver::training_graph(m));
}

// The signatures of the loop steps of a one-output program `minimize <objective>` over x : [D].
std::vector<std::string> loop_keys(const std::string &objective, int D = 6) {
  Model m =
      test::load_text("dim D = " + std::to_string(D) + "\ninput x : [D]\nparam W : [D, D] = orthogonal\nminimize " + objective + "\n");
  ir::Graph g = passes::optimize(driver::training_graph(m));
  codegen::Schedule s = codegen::make_schedule(g);
  std::vector<std::string> keys;
  for (const codegen::Step &st : s.steps)
    if (is_loop(st)) keys.push_back(codegen::step_signature(g, s, st).key);
  return keys;
}

} // namespace

TEST_CASE("an unrolled encoder compiles as many kernels at 200 steps as at 400") {
  // Below 64 steps the loops of one chain fuse whole; from there a fused tree stops at 64 levels
  // (codegen's recursion bound), which adds the kernels of the cut, the same for any longer unroll.
  LoopCount ten = count_loops(unrolled_training_graph(10)), forty = count_loops(unrolled_training_graph(40));
  LoopCount many = count_loops(unrolled_training_graph(200)), more = count_loops(unrolled_training_graph(400));
  INFO("10 steps: " << ten.steps << " loops, " << ten.kernels << " kernels; 40: " << forty.steps << ", " << forty.kernels
                    << "; 200: " << many.steps << ", " << many.kernels << "; 400: " << more.steps << ", " << more.kernels);
  CHECK(forty.kernels == ten.kernels);
  CHECK(many.steps > 10 * many.kernels); // the loops are many ...
  CHECK(more.kernels == many.kernels);   // ... and their kernels as few at 400 steps as at 200
  CHECK(many.kernels <= ten.kernels + 2);
}

TEST_CASE("step signatures tell apart loops that compute different things") {
  auto differ = [](const std::string &a, const std::string &b) {
    std::vector<std::string> ka = loop_keys(a), kb = loop_keys(b);
    INFO(a << " vs " << b);
    CHECK(ka != kb);
  };
  differ("||tanh(W * x)||^2", "||sigmoid(W * x)||^2");                           // another op
  differ("||tanh(0.5 * (W * x))||^2", "||tanh(0.25 * (W * x))||^2");             // another constant
  differ("||x - W * x||^2", "||W * x - x||^2");                                  // operands swapped
  differ("sum((W * x) .* (W * x))", "sum((W * x) .* x)");                        // one buffer twice, or two
  CHECK(loop_keys("||tanh(W * x)||^2", 6) != loop_keys("||tanh(W * x)||^2", 7)); // other shapes
  // The same program gives the same signatures.
  CHECK(loop_keys("||tanh(W * x)||^2") == loop_keys("||tanh(W * x)||^2"));
}

TEST_CASE("step signatures say which buffer each leaf of a loop reads") {
  // (x - y) .* x and (y - x) .* x: the same ops on the same three buffers (the result, x, y),
  // one reading the first operand of the difference twice, the other its second.
  ir::Graph g;
  ir::NodeId x = g.leaf(ir::Op::Input, ir::Shape::vector(4), true, {0, 0, false, false, "x"});
  ir::NodeId y = g.leaf(ir::Op::Input, ir::Shape::vector(4), true, {0, 0, false, false, "y"});
  g.outputs = {{"out.a", g.binary(ir::Op::Mul, g.binary(ir::Op::Sub, x, y), x)},
               {"out.b", g.binary(ir::Op::Mul, g.binary(ir::Op::Sub, y, x), x)}};
  codegen::Schedule s = codegen::make_schedule(g);
  std::vector<codegen::StepSignature> sigs;
  for (const codegen::Step &st : s.steps) sigs.push_back(codegen::step_signature(g, s, st));
  REQUIRE(sigs.size() == 2);
  CHECK(sigs[0].slots.size() == 3);
  CHECK(sigs[1].slots.size() == 3);
  CHECK(sigs[0].key != sigs[1].key);
  // Reading the operands in the other order, x .* y and y .* x are one kernel on other buffers.
  ir::Graph h;
  ir::NodeId hx = h.leaf(ir::Op::Input, ir::Shape::vector(4), true, {0, 0, false, false, "x"});
  ir::NodeId hy = h.leaf(ir::Op::Input, ir::Shape::vector(4), true, {0, 0, false, false, "y"});
  h.outputs = {{"out.a", h.binary(ir::Op::Mul, hx, h.unary(ir::Op::Exp, hy))},
               {"out.b", h.binary(ir::Op::Mul, hy, h.unary(ir::Op::Exp, hx))}};
  codegen::Schedule t = codegen::make_schedule(h);
  REQUIRE(t.steps.size() == 2);
  CHECK(codegen::step_signature(h, t, t.steps[0]).key == codegen::step_signature(h, t, t.steps[1]).key);
}

TEST_CASE("the JIT matches the reference on a long unroll (shared kernels, the schedule in parts)") {
  // 60 steps: well over the 64 steps of one part of the entry, every step's loops through the
  // same few kernels on other buffers.
  Model m = test::load_example("unrolled_ls", 12, {{"T", "60"}, {"k", "4"}});
  ir::Graph g = passes::optimize(driver::training_graph(m));
  LoopCount c = count_loops(g);
  CHECK(c.steps > 64);
  for (const test::JitError &e : test::jit_errors(m, g, 7, 3)) {
    INFO("output " << e.output << " relative error " << e.relative);
    CHECK(e.relative < 1e-5);
  }
}
