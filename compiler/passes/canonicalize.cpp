// Canonical forms: constants folded, identities dropped (x * 1, x + 0, A I), pairs that cancel
// removed (-(-x), (A')'), and the algebraic facts that let later stages share work (a Gram
// matrix is symmetric, a column scaling commutes with a product from the left). Never makes
// anything more expensive.
#include "ir/elementwise.h"
#include "passes/rules.h"

namespace aec::passes {

using ir::Graph;
using ir::Node;
using ir::NodeId;
using ir::Op;

namespace {

// c1 op c2 -> c, op(c) -> c, for scalar constants.
NodeId fold_constants(Graph &g, const Node &n, const std::vector<NodeId> &in, const PassOptions &) {
  if (!ir::is_elementwise(n.op) || n.shape.rank != 0) return -1;
  for (NodeId i : in)
    if (!is_scalar_const(g, i)) return -1;
  ir::ScalarAlgebra<double> alg;
  double y = in.size() > 1 ? g.node(in[1]).attr.value : 0.0;
  return g.constant(ir::eval_elementwise(n.op, alg, g.node(in[0]).attr.value, y, n.attr.value));
}

// x * 1 = 1 * x = x;  x + 0 = 0 + x = x - 0 = x;  x / 1 = x
NodeId drop_identity(Graph &g, const Node &n, const std::vector<NodeId> &in, const PassOptions &) {
  auto keep = [&](size_t i) { return same_type(g, in[i], n) ? in[i] : NodeId(-1); };
  switch (n.op) {
  case Op::Mul:
    if (is_const(g, in[1], 1)) return keep(0);
    if (is_const(g, in[0], 1)) return keep(1);
    return -1;
  case Op::Add:
    if (is_const(g, in[1], 0)) return keep(0);
    if (is_const(g, in[0], 0)) return keep(1);
    return -1;
  case Op::Sub:
  case Op::Div: return is_const(g, in[1], n.op == Op::Sub ? 0 : 1) ? keep(0) : -1;
  default: return -1;
  }
}

// x * 0 = 0 * x = A 0 = 0 A = 0 (for a shared result: a per-sample one keeps its batch axis)
NodeId zero_product(Graph &g, const Node &n, const std::vector<NodeId> &in, const PassOptions &) {
  if ((n.op != Op::Mul && n.op != Op::MatMul) || n.batched) return -1;
  if (!is_const(g, in[0], 0) && !is_const(g, in[1], 0)) return -1;
  return g.constant(0.0, n.shape);
}

// -(-x) = x;  0 - x = -x;  (A')' = A
NodeId cancel_pairs(Graph &g, const Node &n, const std::vector<NodeId> &in, const PassOptions &) {
  if ((n.op == Op::Neg || n.op == Op::Transpose) && g.node(in[0]).op == n.op) return g.node(in[0]).in[0];
  if (n.op == Op::Sub && is_const(g, in[0], 0) && g.shape(in[0]).rank == 0 && same_type(g, in[1], n))
    return g.unary(Op::Neg, in[1], n.span);
  return -1;
}

// (sum_b a b')' = sum_b b a': a tied weight's second contribution without a transposed copy
NodeId transpose_outer_sum(Graph &g, const Node &n, const std::vector<NodeId> &in, const PassOptions &) {
  if (n.op != Op::Transpose || g.node(in[0]).op != Op::OuterSum) return -1;
  const Node o = g.node(in[0]);
  return g.add(Op::OuterSum, {o.in[1], o.in[0]}, {}, n.span);
}

// A Gram matrix W W' (or W' W) is symmetric: G' = G, so a transposed use is the plain one.
bool is_gram(const Graph &g, NodeId id) {
  const Node &n = g.node(id);
  return n.op == Op::MatMul && n.in[0] == n.in[1] && n.attr.trans_a != n.attr.trans_b;
}
NodeId gram_symmetry(Graph &g, const Node &n, const std::vector<NodeId> &in, const PassOptions &) {
  if (n.op == Op::Transpose && is_gram(g, in[0])) return in[0];
  if (n.op != Op::MatMul || !((n.attr.trans_a && is_gram(g, in[0])) || (n.attr.trans_b && is_gram(g, in[1])))) return -1;
  bool ta = n.attr.trans_a && !is_gram(g, in[0]), tb = n.attr.trans_b && !is_gram(g, in[1]);
  return g.matmul(in[0], in[1], ta, tb, n.span);
}

// A (X diag(r)) = (A X) diag(r): scaling columns commutes with a product from the left. In the
// gradient of a quadratic form colsum(P .* (G P)) this turns G (P diag(r)) into (G P) diag(r),
// sharing the forward G P instead of a second GEMM.
NodeId column_scaling_commutes(Graph &g, const Node &n, const std::vector<NodeId> &in, const PassOptions &) {
  if (n.op != Op::MatMul || n.attr.trans_b) return -1;
  const Node x = g.node(in[1]);
  if (x.op != Op::Mul || x.shape.rank != 2) return -1;
  for (int side = 0; side < 2; ++side) {
    const Node &r = g.node(x.in[side]);
    if (r.op != Op::RowBroadcast || !(g.shape(x.in[1 - side]) == x.shape)) continue;
    const NodeId scale = r.in[0]; // before adding nodes, which may move the arena
    NodeId product = g.matmul(in[0], x.in[1 - side], n.attr.trans_a, false, n.span);
    return g.binary(Op::Mul, product, g.broadcast(Op::RowBroadcast, scale, n.shape, n.span), n.span);
  }
  return -1;
}

// A I = A, I B = B (an identity the Jacobian seed leaves behind)
NodeId drop_identity_product(Graph &g, const Node &n, const std::vector<NodeId> &in, const PassOptions &) {
  if (n.op != Op::MatMul) return -1;
  if (g.node(in[1]).op == Op::Eye) return n.attr.trans_a ? g.unary(Op::Transpose, in[0], n.span) : in[0];
  if (g.node(in[0]).op == Op::Eye) return n.attr.trans_b ? g.unary(Op::Transpose, in[1], n.span) : in[1];
  return -1;
}

const Rule kRules[] = {
    {"fold-constants", fold_constants},
    {"drop-identity", drop_identity},
    {"zero-product", zero_product},
    {"cancel-pairs", cancel_pairs},
    {"transpose-outer-sum", transpose_outer_sum},
    {"gram-symmetry", gram_symmetry},
    {"column-scaling-commutes", column_scaling_commutes},
    {"drop-identity-product", drop_identity_product},
};

} // namespace

ir::Graph canonicalize(const ir::Graph &g, const PassOptions &o) { return apply_rules(g, kRules, o, "canonicalize"); }

} // namespace aec::passes
