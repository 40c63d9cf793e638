// Reassociation of products by cost: (A B) C or A (B C), whichever does fewer multiply-adds per
// step at the batch size being compiled for, and A (u - B v) = A u - (A B) v where the shared
// A B replaces a product per sample.
#include "passes/rules.h"

namespace aec::passes {

using ir::Graph;
using ir::Node;
using ir::NodeId;
using ir::Op;
using ir::Shape;

namespace {

// Columns a product's right operand contributes per step: a per-sample operand counts once per
// sample of the batch, since its product runs for every sample.
double columns_per_step(const Graph &g, NodeId id, bool trans, const PassOptions &o) {
  const Shape &s = g.shape(id);
  double cols = static_cast<double>(trans ? s.rows() : s.cols());
  return g.batched(id) ? cols * static_cast<double>(o.batch) : cols;
}
double rows_of(const Graph &g, NodeId id, bool trans) {
  const Shape &s = g.shape(id);
  return static_cast<double>(trans ? s.cols() : s.rows());
}

// Multiply-adds per step of (A B) C and of A (B C), for op(A) [m, p], op(B) [p, q], op(C) [q, n].
struct ChainCost {
  double left_first, right_first;
};
// An association is changed only when it at least halves the work: the cost model cannot see a
// product that is shared elsewhere (B' x in every step of a solver), so small gains are not
// worth losing such sharing.
constexpr double kReassociationGain = 2.0;
ChainCost chain_cost(const Graph &g, NodeId a, bool ta, NodeId b, bool tb, NodeId c, bool tc, const PassOptions &o) {
  double m = rows_of(g, a, ta), p = rows_of(g, b, tb), q = columns_per_step(g, b, tb, o), n = columns_per_step(g, c, tc, o);
  return {m * p * q + m * q * n, p * q * n + m * p * n};
}

// (A B) C = A (B C) when cheaper, so that B B' x never forms the D x D matrix B B'.
NodeId reassociate_right(Graph &g, const Node &n, const std::vector<NodeId> &in, const PassOptions &o) {
  if (n.op != Op::MatMul || n.attr.trans_a) return -1;
  const Node left = g.node(in[0]);
  if (left.op != Op::MatMul || g.batched(in[0]) || g.shape(in[0]).rank != 2) return -1;
  NodeId a = left.in[0], b = left.in[1], c = in[1];
  bool ta = left.attr.trans_a, tb = left.attr.trans_b, tc = n.attr.trans_b;
  if (g.shape(b).rank != 2 || (g.shape(c).rank == 1 && tc)) return -1;
  ChainCost cost = chain_cost(g, a, ta, b, tb, c, tc, o);
  if (cost.right_first * kReassociationGain > cost.left_first) return -1;
  return g.matmul(a, g.matmul(b, c, tb, tc, n.span), ta, false, n.span);
}

// A (B C) = (A B) C when cheaper: with A and B shared, A B is computed once per step
// (B' (B y) in an unrolled solver becomes (B' B) y, a k x k product per sample).
NodeId reassociate_left(Graph &g, const Node &n, const std::vector<NodeId> &in, const PassOptions &o) {
  if (n.op != Op::MatMul || n.attr.trans_b) return -1;
  const Node right = g.node(in[1]);
  if (right.op != Op::MatMul || right.attr.trans_a || g.batched(in[0]) || g.batched(right.in[0])) return -1;
  NodeId a = in[0], b = right.in[0], c = right.in[1];
  bool ta = n.attr.trans_a, tc = right.attr.trans_b;
  if (g.shape(a).rank != 2 || g.shape(b).rank != 2) return -1;
  ChainCost cost = chain_cost(g, a, ta, b, false, c, tc, o);
  if (cost.left_first * kReassociationGain > cost.right_first) return -1;
  return g.matmul(g.matmul(a, b, ta, false, n.span), c, false, tc, n.span);
}

// A (u - B v) = A u - (A B) v when A has fewer rows than B (and likewise for +): the shared A B
// replaces a product by B per sample, and A u is shared wherever u recurs (x in every step of
// an unrolled solver).
NodeId distribute_product(Graph &g, const Node &n, const std::vector<NodeId> &in, const PassOptions &) {
  if (n.op != Op::MatMul || n.attr.trans_b || g.batched(in[0]) || g.shape(in[0]).rank != 2) return -1;
  const Node sum = g.node(in[1]);
  if ((sum.op != Op::Add && sum.op != Op::Sub) || g.shape(sum.in[0]) != g.shape(sum.in[1])) return -1;
  const double rows_a = rows_of(g, in[0], n.attr.trans_a);
  bool pays = false;
  for (NodeId term : sum.in) {
    const Node &t = g.node(term);
    pays |= t.op == Op::MatMul && !t.attr.trans_a && !g.batched(t.in[0]) && rows_a < rows_of(g, t.in[0], false);
  }
  if (!pays) return -1;
  NodeId l = g.matmul(in[0], sum.in[0], n.attr.trans_a, false, n.span), r = g.matmul(in[0], sum.in[1], n.attr.trans_a, false, n.span);
  return g.binary(sum.op, l, r, n.span);
}

const Rule kRules[] = {
    {"reassociate-right", reassociate_right},
    {"reassociate-left", reassociate_left},
    {"distribute-product", distribute_product},
};

} // namespace

ir::Graph reassociate(const ir::Graph &g, const PassOptions &o) { return apply_rules(g, kRules, o, "reassociate"); }

} // namespace aec::passes
