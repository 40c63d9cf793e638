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

// -(-x) = x;  0 - x = -x;  (A')' = A
NodeId cancel_pairs(Graph &g, const Node &n, const std::vector<NodeId> &in) {
  if ((n.op == Op::Neg || n.op == Op::Transpose) && g.node(in[0]).op == n.op) return g.node(in[0]).in[0];
  if (n.op == Op::Sub && is_const(g, in[0], 0) && g.shape(in[0]).rank == 0 && same_type(g, in[1], n))
    return g.unary(Op::Neg, in[1], n.span);
  return -1;
}

// A I = A, I B = B (an identity the Jacobian seed leaves behind)
NodeId drop_identity_product(Graph &g, const Node &n, const std::vector<NodeId> &in) {
  if (n.op != Op::MatMul) return -1;
  if (g.node(in[1]).op == Op::Eye) return n.attr.trans_a ? g.unary(Op::Transpose, in[0], n.span) : in[0];
  if (g.node(in[0]).op == Op::Eye) return n.attr.trans_b ? g.unary(Op::Transpose, in[1], n.span) : in[1];
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

const Rule kRules[] = {
    {"fold-constants", fold_constants},
    {"drop-identity", drop_identity},
    {"cancel-pairs", cancel_pairs},
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
