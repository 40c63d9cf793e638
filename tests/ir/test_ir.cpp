// The IR's invariants: hash-consing, shape inference, dead-node removal. Golden graph text of
// the passes: tests/passes/; pass differentials: test_simplify.cpp and test_random_graphs.cpp.
#include "ir/algorithms.h"
#include "passes/passes.h"
#include "support/test_support.h"

#include <doctest/doctest.h>

using namespace aec;

TEST_CASE("building the same node twice returns the same id") {
  ir::Graph g;
  ir::Attr a;
  a.name = "x";
  auto x = g.leaf(ir::Op::Input, ir::Shape::vector(4), true, a);
  auto s1 = g.unary(ir::Op::Sigmoid, x), s2 = g.unary(ir::Op::Sigmoid, x);
  CHECK(s1 == s2);
  CHECK(g.binary(ir::Op::Add, s1, x) == g.binary(ir::Op::Add, s2, x));
  CHECK(g.unary(ir::Op::Tanh, x) != s1);
}

TEST_CASE("shape inference with the batch axis") {
  ir::Graph g;
  ir::Attr xa, wa;
  xa.name = "x";
  wa.name = "W";
  auto x = g.leaf(ir::Op::Input, ir::Shape::vector(5), true, xa);
  auto w = g.leaf(ir::Op::Param, ir::Shape::matrix(3, 5), false, wa);
  auto y = g.matmul(w, x);
  CHECK(g.shape(y) == ir::Shape::vector(3));
  CHECK(g.batched(y));
  auto outer = g.add(ir::Op::OuterSum, {y, x});
  CHECK(g.shape(outer) == ir::Shape::matrix(3, 5));
  CHECK_FALSE(g.batched(outer));
  CHECK(g.shape(g.matmul(w, w, false, true)) == ir::Shape::matrix(3, 3));
}

TEST_CASE("dead-node removal keeps only what the outputs need") {
  ir::Graph g;
  ir::Attr xa;
  xa.name = "x";
  auto x = g.leaf(ir::Op::Input, ir::Shape::vector(4), true, xa);
  g.unary(ir::Op::Exp, x); // dead
  auto live = g.unary(ir::Op::SumAll, g.unary(ir::Op::Square, x));
  g.outputs.push_back({"loss", g.unary(ir::Op::BatchMean, live)});
  ir::Graph out = passes::remove_dead_nodes(g);
  CHECK(out.size() == 4);
  passes::verify(out);
}
