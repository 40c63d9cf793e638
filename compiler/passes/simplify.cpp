// Algebraic simplification as a table of rewrite rules, applied bottom-up until nothing changes.
// Each rule states its identity; a rule returns the replacement or -1. The Jacobian-norm rules
// turn ||df/dx||_F^2 of what the user wrote into closed forms that never materialize a
// per-sample Jacobian, for any elementwise activation, and stay ordinary (differentiable) nodes.
#include "ir/elementwise.h"
#include "passes/passes.h"
#include "passes/rebuild.h"

namespace aec::passes {

using ir::Graph;
using ir::Node;
using ir::NodeId;
using ir::Op;
using ir::Shape;

namespace {

struct Rule {
  const char *name;
  NodeId (*apply)(Graph &g, const Node &n, const std::vector<NodeId> &in);
};

bool is_const(const Graph &g, NodeId id, double v) {
  const Node &n = g.node(id);
  return n.op == Op::Const && n.attr.value == v;
}
bool is_scalar_const(const Graph &g, NodeId id) { return g.node(id).op == Op::Const && g.shape(id).rank == 0; }
// `id` can stand for the node `n` (same shape and batch axis).
bool same_type(const Graph &g, NodeId id, const Node &n) { return g.shape(id) == n.shape && g.batched(id) == n.batched; }

// c1 op c2 -> c, op(c) -> c, for scalar constants.
NodeId fold_constants(Graph &g, const Node &n, const std::vector<NodeId> &in) {
  if (!ir::is_elementwise(n.op) || n.shape.rank != 0) return -1;
  for (NodeId i : in)
    if (!is_scalar_const(g, i)) return -1;
  ir::ScalarAlgebra<double> alg;
  double y = in.size() > 1 ? g.node(in[1]).attr.value : 0.0;
  return g.constant(ir::eval_elementwise(n.op, alg, g.node(in[0]).attr.value, y, n.attr.value));
}

// x * 1 = 1 * x = x;  x + 0 = 0 + x = x - 0 = x;  x / 1 = x
NodeId drop_identity(Graph &g, const Node &n, const std::vector<NodeId> &in) {
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
NodeId zero_product(Graph &g, const Node &n, const std::vector<NodeId> &in) {
  if ((n.op != Op::Mul && n.op != Op::MatMul) || n.batched) return -1;
  if (!is_const(g, in[0], 0) && !is_const(g, in[1], 0)) return -1;
  return g.constant(0.0, n.shape);
}

// -(-x) = x;  0 - x = -x;  (A')' = A
NodeId cancel_pairs(Graph &g, const Node &n, const std::vector<NodeId> &in) {
  if ((n.op == Op::Neg || n.op == Op::Transpose) && g.node(in[0]).op == n.op) return g.node(in[0]).in[0];
  if (n.op == Op::Sub && is_const(g, in[0], 0) && g.shape(in[0]).rank == 0 && same_type(g, in[1], n))
    return g.unary(Op::Neg, in[1], n.span);
  return -1;
}

// (sum_b a b')' = sum_b b a': a tied weight's second contribution without a transposed copy
NodeId transpose_outer_sum(Graph &g, const Node &n, const std::vector<NodeId> &in) {
  if (n.op != Op::Transpose || g.node(in[0]).op != Op::OuterSum) return -1;
  const Node o = g.node(in[0]);
  return g.add(Op::OuterSum, {o.in[1], o.in[0]}, {}, n.span);
}

// A Gram matrix W W' (or W' W) is symmetric: G' = G, so a transposed use is the plain one.
bool is_gram(const Graph &g, NodeId id) {
  const Node &n = g.node(id);
  return n.op == Op::MatMul && n.in[0] == n.in[1] && n.attr.trans_a != n.attr.trans_b;
}
NodeId gram_symmetry(Graph &g, const Node &n, const std::vector<NodeId> &in) {
  if (n.op == Op::Transpose && is_gram(g, in[0])) return in[0];
  if (n.op != Op::MatMul || !((n.attr.trans_a && is_gram(g, in[0])) || (n.attr.trans_b && is_gram(g, in[1])))) return -1;
  bool ta = n.attr.trans_a && !is_gram(g, in[0]), tb = n.attr.trans_b && !is_gram(g, in[1]);
  return g.matmul(in[0], in[1], ta, tb, n.span);
}

// A (X diag(r)) = (A X) diag(r): scaling columns commutes with a product from the left. In the
// gradient of a quadratic form colsum(P .* (G P)) this turns G (P diag(r)) into (G P) diag(r),
// sharing the forward G P instead of a second GEMM.
NodeId column_scaling_commutes(Graph &g, const Node &n, const std::vector<NodeId> &in) {
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
NodeId drop_identity_product(Graph &g, const Node &n, const std::vector<NodeId> &in) {
  if (n.op != Op::MatMul) return -1;
  if (g.node(in[1]).op == Op::Eye) return n.attr.trans_a ? g.unary(Op::Transpose, in[0], n.span) : in[0];
  if (g.node(in[0]).op == Op::Eye) return n.attr.trans_b ? g.unary(Op::Transpose, in[1], n.span) : in[1];
  return -1;
}

// log(sigmoid(a)) = -softplus(-a) and log(1 - sigmoid(a)) = -softplus(a): finite for every
// logit a, where the literal forms give log(0) = -inf once sigmoid saturates.
NodeId stable_log_sigmoid(Graph &g, const Node &n, const std::vector<NodeId> &in) {
  if (n.op != Op::Log) return -1;
  const Node arg = g.node(in[0]);
  if (arg.op == Op::Sigmoid)
    return g.unary(Op::Neg, g.unary(Op::Softplus, g.unary(Op::Neg, arg.in[0], n.span), n.span), n.span);
  if (arg.op == Op::Sub && is_const(g, arg.in[0], 1) && g.shape(arg.in[0]).rank == 0 && g.node(arg.in[1]).op == Op::Sigmoid)
    return g.unary(Op::Neg, g.unary(Op::Softplus, g.node(arg.in[1]).in[0], n.span), n.span);
  return -1;
}

// The operand d of a row scaling diag(d) M written as col_broadcast(d) .* M, and M; or false.
bool row_scaling(const Graph &g, NodeId id, NodeId &d, NodeId &m) {
  const Node &n = g.node(id);
  if (n.op != Op::Mul || n.shape.rank != 2) return false;
  for (int side = 0; side < 2; ++side) {
    const Node &b = g.node(n.in[side]);
    if (b.op == Op::ColBroadcast && g.shape(n.in[1 - side]) == n.shape) {
      d = b.in[0];
      m = n.in[1 - side];
      return true;
    }
  }
  return false;
}

// ||diag(d) M||_F^2 = sum_i d_i^2 sum_j M_ij^2 = sum(d .* d .* rowsum(M .* M)):
// the one-layer contractive penalty, with rowsum(W .* W) shared by all samples.
NodeId frobenius_of_row_scaling(Graph &g, const Node &n, const std::vector<NodeId> &in) {
  if (n.op != Op::SumAll || g.node(in[0]).op != Op::Square) return -1;
  NodeId d, m;
  if (!row_scaling(g, g.node(in[0]).in[0], d, m)) return -1;
  NodeId rows = g.unary(Op::RowSum, g.unary(Op::Square, m, n.span), n.span);
  return g.unary(Op::SumAll, g.binary(Op::Mul, g.unary(Op::Square, d, n.span), rows, n.span), n.span);
}

// rowsum((A N) .* (A N)) = diag(A N N' A'), and for N = diag(e) W with the Gram matrix
// G = W W' shared by all samples: diag(P G P') = colsum(P' .* (G P')) with P' = diag(e) A'.
// G P' for the whole batch is one GEMM ([h, h] times [h, k B]), so the per-sample cost is k h^2
// instead of k h n, and no per-sample Jacobian or [h, h] matrix exists. Used when n exceeds h.
NodeId row_norms_through_gram(Graph &g, const Node &n, const std::vector<NodeId> &in) {
  if (n.op != Op::RowSum || g.node(in[0]).op != Op::Square) return -1;
  const NodeId prod = g.node(in[0]).in[0];
  const Node p = g.node(prod);
  if (p.op != Op::MatMul || p.attr.trans_a || p.attr.trans_b) return -1;
  NodeId a = p.in[0], e, w;
  if (g.batched(a) || !row_scaling(g, p.in[1], e, w) || g.batched(w)) return -1;
  const Shape ws = g.shape(w); // [h, n]
  if (ws.cols() <= ws.rows()) return -1;
  Span s = n.span;
  NodeId at = g.unary(Op::Transpose, a, s); // [h, k], shared
  NodeId pt = g.binary(Op::Mul, g.broadcast(Op::ColBroadcast, e, g.shape(at), s), at, s);
  NodeId gram = g.matmul(w, w, false, true, s);
  return g.unary(Op::ColSum, g.binary(Op::Mul, pt, g.matmul(gram, pt, false, false, s), s), s);
}

// Columns a product's right operand contributes per step: a per-sample operand counts once per
// sample of a typical batch, since its product runs for every sample.
constexpr double kTypicalBatch = 256;
double columns_per_step(const Graph &g, NodeId id, bool trans) {
  const Shape &s = g.shape(id);
  double cols = static_cast<double>(trans ? s.rows() : s.cols());
  return g.batched(id) ? cols * kTypicalBatch : cols;
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
ChainCost chain_cost(const Graph &g, NodeId a, bool ta, NodeId b, bool tb, NodeId c, bool tc) {
  double m = rows_of(g, a, ta), p = rows_of(g, b, tb), q = columns_per_step(g, b, tb), n = columns_per_step(g, c, tc);
  return {m * p * q + m * q * n, p * q * n + m * p * n};
}

// (A B) C = A (B C) when cheaper, so that B B' x never forms the D x D matrix B B'.
NodeId reassociate_right(Graph &g, const Node &n, const std::vector<NodeId> &in) {
  if (n.op != Op::MatMul || n.attr.trans_a) return -1;
  const Node left = g.node(in[0]);
  if (left.op != Op::MatMul || g.batched(in[0]) || g.shape(in[0]).rank != 2) return -1;
  NodeId a = left.in[0], b = left.in[1], c = in[1];
  bool ta = left.attr.trans_a, tb = left.attr.trans_b, tc = n.attr.trans_b;
  if (g.shape(b).rank != 2 || (g.shape(c).rank == 1 && tc)) return -1;
  ChainCost cost = chain_cost(g, a, ta, b, tb, c, tc);
  if (cost.right_first * kReassociationGain > cost.left_first) return -1;
  return g.matmul(a, g.matmul(b, c, tb, tc, n.span), ta, false, n.span);
}

// A (B C) = (A B) C when cheaper: with A and B shared, A B is computed once per step
// (B' (B y) in an unrolled solver becomes (B' B) y, a k x k product per sample).
NodeId reassociate_left(Graph &g, const Node &n, const std::vector<NodeId> &in) {
  if (n.op != Op::MatMul || n.attr.trans_b) return -1;
  const Node right = g.node(in[1]);
  if (right.op != Op::MatMul || right.attr.trans_a || g.batched(in[0]) || g.batched(right.in[0])) return -1;
  NodeId a = in[0], b = right.in[0], c = right.in[1];
  bool ta = n.attr.trans_a, tc = right.attr.trans_b;
  if (g.shape(a).rank != 2 || g.shape(b).rank != 2) return -1;
  ChainCost cost = chain_cost(g, a, ta, b, false, c, tc);
  if (cost.left_first * kReassociationGain > cost.right_first) return -1;
  return g.matmul(g.matmul(a, b, ta, false, n.span), c, false, tc, n.span);
}

// A (u - B v) = A u - (A B) v when A has fewer rows than B (and likewise for +): the shared A B
// replaces a product by B per sample, and A u is shared wherever u recurs (x in every step of
// an unrolled solver).
NodeId distribute_product(Graph &g, const Node &n, const std::vector<NodeId> &in) {
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
    {"fold-constants", fold_constants},
    {"drop-identity", drop_identity},
    {"zero-product", zero_product},
    {"stable-log-sigmoid", stable_log_sigmoid},
    {"cancel-pairs", cancel_pairs},
    {"transpose-outer-sum", transpose_outer_sum},
    {"gram-symmetry", gram_symmetry},
    {"column-scaling-commutes", column_scaling_commutes},
    {"drop-identity-product", drop_identity_product},
    {"frobenius-of-row-scaling", frobenius_of_row_scaling},
    {"row-norms-through-gram", row_norms_through_gram},
};

} // namespace

ir::Graph simplify(const ir::Graph &g) {
  ir::Graph cur = g;
  for (int round = 0; round < 8; ++round) {
    bool changed = false;
    cur = rebuild(cur, [&](Graph &dst, const Node &n, const std::vector<NodeId> &in) -> NodeId {
      for (const Rule &r : kRules) {
        NodeId out = r.apply(dst, n, in);
        if (out >= 0) {
          changed = true;
          return out;
        }
      }
      return -1;
    });
    if (!changed) break;
  }
  return cur;
}

} // namespace aec::passes
