// Closed forms of Jacobian norms: ||df/dx||_F^2 of what the user wrote, for any elementwise
// activation, becomes an expression that never materializes a per-sample Jacobian, made of
// ordinary (differentiable) nodes, so training differentiates through it.
#include "passes/rules.h"

namespace aec::passes {

using ir::Graph;
using ir::Node;
using ir::NodeId;
using ir::Op;
using ir::Shape;

namespace {

// ||diag(d) M||_F^2 = sum_i d_i^2 sum_j M_ij^2 = sum(d .* d .* rowsum(M .* M)):
// the one-layer contractive penalty, with rowsum(W .* W) shared by all samples.
NodeId frobenius_of_row_scaling(Graph &g, const Node &n, const std::vector<NodeId> &in, const PassOptions &) {
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
NodeId row_norms_through_gram(Graph &g, const Node &n, const std::vector<NodeId> &in, const PassOptions &) {
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
    {"frobenius-of-row-scaling", frobenius_of_row_scaling},
    {"row-norms-through-gram", row_norms_through_gram},
};

} // namespace

ir::Graph jacobian_closed_forms(const ir::Graph &g, const PassOptions &o) { return apply_rules(g, kRules, o, "jacobian-closed-forms"); }

} // namespace aec::passes
