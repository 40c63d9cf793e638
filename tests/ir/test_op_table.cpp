// Every elementwise op of the table (ir/elementwise.h), and every composite, against central
// finite differences in double precision: its derivative rule is the derivative of its math.
// The op list comes from the table, so a new op is checked without a new test row.
#include "autodiff/autodiff.h"
#include "eval/finite_difference.h"
#include "support/op_table.h"
#include "support/test_support.h"

#include <doctest/doctest.h>

#include <random>
#include <set>

using namespace aec;
using ir::NodeId;
using ir::Op;

namespace {

constexpr ir::Size kWidth = 6;

struct OpGraph {
  ir::Graph g;
  std::vector<NodeId> params;   // a, b
  std::vector<NodeId> operands; // a and b, each made to lie in the op's domain
};

OpGraph operands_for(ir::Domain domain, int arity) {
  OpGraph o;
  for (int i = 0; i < arity; ++i) {
    ir::Attr a;
    a.name = i == 0 ? "a" : "b";
    NodeId p = o.g.leaf(Op::Param, ir::Shape::vector(kWidth), false, a);
    o.params.push_back(p);
    o.operands.push_back(test::in_domain(domain, o.g, p));
  }
  return o;
}

// d loss / d param by the rules, against finite differences of the loss (the weighted sum of the
// op's values, so every entry's derivative counts with its own weight).
void check_derivatives(OpGraph &o, NodeId value, const std::string &what) {
  INFO(what);
  ir::Graph &g = o.g;
  ir::Attr input;
  input.name = "x";
  NodeId weights = g.leaf(Op::Input, ir::Shape::vector(kWidth), true, input);
  NodeId loss = g.unary(Op::BatchMean, g.unary(Op::SumAll, g.binary(Op::Mul, weights, value)));
  std::vector<NodeId> grads = autodiff::gradients(g, loss, o.params);

  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal(0.0, 1.0);
  eval::Bindings<double> bind;
  bind.input = eval::Mat<double>(kWidth, 1);
  for (Eigen::Index i = 0; i < kWidth; ++i) bind.input(i, 0) = normal(rng);
  for (NodeId p : o.params) {
    eval::Mat<double> v(kWidth, 1);
    for (Eigen::Index i = 0; i < kWidth; ++i) v(i, 0) = 1.5 * normal(rng);
    bind.params[g.node(p).attr.name] = v;
  }
  for (size_t k = 0; k < o.params.size(); ++k) {
    const std::string &name = g.node(o.params[k]).attr.name;
    eval::Mat<double> analytic = eval::evaluate(g, {grads[k]}, bind)[0];
    REQUIRE(analytic.allFinite());
    for (Eigen::Index i = 0; i < kWidth; ++i) {
      double numeric = eval::central_difference(bind.params[name](i, 0), [&] { return eval::evaluate(g, {loss}, bind)[0](0, 0); });
      INFO("d/d" << name << "[" << i << "]: rule " << analytic(i, 0) << ", finite differences " << numeric);
      CHECK(std::abs(analytic(i, 0) - numeric) <= 1e-7 * std::max(1.0, std::abs(numeric)));
    }
  }
}

} // namespace

TEST_CASE("every elementwise op's derivative rule against finite differences") {
  int checked = 0;
  for (const ir::ElementwiseOp &op : ir::elementwise_ops()) {
    for (double constant : op.takes_constant ? std::vector<double>{3, 1.5, 0.5, -1} : std::vector<double>{0}) {
      OpGraph o = operands_for(op.domain, op.arity);
      ir::Attr attr;
      attr.value = constant;
      NodeId value = o.g.add(op.op, o.operands, attr);
      check_derivatives(o, value, std::string(ir::info(op.op).spelling) + " " + std::to_string(constant));
      ++checked;
    }
  }
  CHECK(checked >= 20);
}

TEST_CASE("every composite function's derivative against finite differences") {
  for (const ir::Composite &c : ir::composites()) {
    OpGraph o = operands_for(c.domain, c.arity);
    std::vector<ir::Term> args;
    for (NodeId a : o.operands) args.emplace_back(o.g, a, Span{});
    check_derivatives(o, c.expand(args).id(), c.language);
  }
  CHECK(ir::composites().size() >= 3);
}

TEST_CASE("the table lists every op a program can call by name, once") {
  std::set<std::string> names;
  for (const test::CallableFunction &f : test::callable_elementwise_functions()) CHECK(names.insert(f.name).second);
  for (const char *name : {"sigmoid", "tanh", "relu", "softplus", "exp", "log", "sqrt", "abs", "max", "min", "sign", "elu", "leaky_relu"})
    CHECK(names.count(name) == 1);
}
