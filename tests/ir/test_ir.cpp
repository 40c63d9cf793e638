// The IR's invariants: hash-consing, shape inference, dead-node removal, transpose folding
// (golden text). Simplification and pass differentials: test_simplify.cpp.
#include "ir/algorithms.h"
#include "passes/passes.h"
#include "support/test_support.h"

#include <doctest/doctest.h>

using namespace aec;

namespace {
// The optimized graph of a program's loss, as text.
std::string optimized_loss(const std::string &program, ir::Size width) {
  Model m = test::load_text(program, width);
  return ir::to_text(passes::optimize(driver::select_outputs(m.graph, {"loss"})));
}
} // namespace

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

TEST_CASE("golden: a transpose feeding a product becomes a GEMM flag") {
  // Width 8 keeps W' (W x) cheaper than (W' W) x, so the chain stays as written.
  CHECK(optimized_loss("dim D\ninput x : [D]\nparam W : [3, D] = glorot\nminimize sum(W' * (W * x))\n", 8) ==
        "%0 = param W : [3, 8]                                     @3:7\n"
        "%1 = input x : [8] batched                                @2:7\n"
        "%2 = matmul %0, %1 : [3] batched                          @4:22\n"
        "%3 = matmul {TN} %0, %2 : [8] batched                     @4:17\n"
        "%4 = sum %3 : [] batched                                  @4:10\n"
        "%5 = batch_mean %4 : []                                   @4:10\n"
        "loss = %5\n");
}

TEST_CASE("golden: B B' x never forms B B' (cost-based association)") {
  CHECK(optimized_loss("dim D\ninput x : [D]\nparam B : [D, 2] = glorot\nminimize sum(B * B' * x)\n", 16) ==
        "%0 = param B : [16, 2]                                    @3:7\n"
        "%1 = input x : [16] batched                               @2:7\n"
        "%2 = matmul {TN} %0, %1 : [2] batched                     @4:21\n"
        "%3 = matmul %0, %2 : [16] batched                         @4:21\n"
        "%4 = sum %3 : [] batched                                  @4:10\n"
        "%5 = batch_mean %4 : []                                   @4:10\n"
        "loss = %5\n");
}

TEST_CASE("golden: an unrolled step's B' (x - B y) becomes B' x - (B' B) y") {
  CHECK(optimized_loss("dim D\ninput x : [D]\nparam B : [D, 2] = glorot\n"
                            "minimize sum(unroll 2 from y = zeros(2): y + B' * (x - B * y))\n", 16) ==
        "%0 = param B : [16, 2]                                    @3:7\n"
        "%1 = input x : [16] batched                               @2:7\n"
        "%2 = matmul {TN} %0, %1 : [2] batched                     @4:49\n"
        "%3 = matmul {TN} %0, %0 : [2, 2]                          @4:49\n"
        "%4 = matmul %3, %2 : [2] batched                          @4:49\n"
        "%5 = sub %2, %4 : [2] batched                             @4:49\n"
        "%6 = add %2, %5 : [2] batched                             @4:44\n"
        "%7 = sum %6 : [] batched                                  @4:10\n"
        "%8 = batch_mean %7 : []                                   @4:10\n"
        "loss = %8\n");
}
