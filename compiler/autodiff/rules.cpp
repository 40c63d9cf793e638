// One derivative rule per op of ir/ops.def, with its math. Built only from IR ops, so the
// result is differentiable again.
#include "autodiff/autodiff.h"

#include <stdexcept>

namespace aec::autodiff {

using ir::Graph;
using ir::NodeId;
using ir::Op;

namespace {

NodeId mul(Graph &g, NodeId a, NodeId b, Span s) { return g.binary(Op::Mul, a, b, s); }
NodeId c(Graph &g, double v) { return g.constant(v); }

// op(A) op(B) where the result feeds an operand that has no batch axis: a batched factor is
// summed over the batch first, or, when both factors are batched (A b' per sample, vectors or
// matrices), the whole product becomes one outer_sum (a single GEMM over the batch).
NodeId product_for(Graph &g, NodeId a, NodeId b, bool ta, bool tb, bool target_batched, Span s) {
  bool ba = g.batched(a), bb = g.batched(b);
  if (target_batched || (!ba && !bb)) return g.matmul(a, b, ta, tb, s);
  if (ba && bb) {
    if (!ta && (tb || g.shape(b).rank == 1)) return g.add(Op::OuterSum, {a, b}, {}, s);
    return g.unary(Op::BatchSum, g.matmul(a, b, ta, tb, s), s); // per-sample products, then their sum
  }
  if (ba) a = g.unary(Op::BatchSum, a, s);
  if (bb) b = g.unary(Op::BatchSum, b, s);
  return g.matmul(a, b, ta, tb, s);
}

} // namespace

NodeId adjoint_rule(Graph &g, NodeId n, size_t i, NodeId ybar) {
  const ir::Node node = g.node(n); // a copy: adding nodes may move the arena
  const Span s = node.span;
  const NodeId x = node.in.empty() ? -1 : node.in[0];
  switch (node.op) {
  case Op::Input:
  case Op::Param:
  case Op::Const:
  case Op::Eye:
  case Op::RandN:
  case Op::RandU:
  case Op::Bernoulli:
  case Op::Var: return -1;
  // d(-x) = -1
  case Op::Neg: return g.unary(Op::Neg, ybar, s);
  // d sigmoid(x) = s (1 - s)
  case Op::Sigmoid: return mul(g, ybar, mul(g, n, g.binary(Op::Sub, c(g, 1), n, s), s), s);
  // d tanh(x) = 1 - t^2
  case Op::Tanh: return mul(g, ybar, g.binary(Op::Sub, c(g, 1), g.unary(Op::Square, n, s), s), s);
  // d relu(x) = step(x)
  case Op::Relu: return mul(g, ybar, g.unary(Op::Step, x, s), s);
  // d softplus(x) = sigmoid(x)
  case Op::Softplus: return mul(g, ybar, g.unary(Op::Sigmoid, x, s), s);
  // d exp(x) = exp(x)
  case Op::Exp: return mul(g, ybar, n, s);
  // d log(x) = 1 / x
  case Op::Log: return g.binary(Op::Div, ybar, x, s);
  // d sqrt(x) = 1 / (2 sqrt(x))
  case Op::Sqrt: return g.binary(Op::Div, ybar, mul(g, c(g, 2), n, s), s);
  // d |x| = sign(x)
  case Op::Abs: return mul(g, ybar, g.unary(Op::Sign, x, s), s);
  // d x^2 = 2 x
  case Op::Square: return mul(g, ybar, mul(g, c(g, 2), x, s), s);
  // step and sign are flat almost everywhere
  case Op::Step:
  case Op::Sign: return -1;
  // d x^p = p x^(p-1)
  case Op::PowC: {
    double p = node.attr.value;
    ir::Attr a;
    a.value = p - 1;
    NodeId xp = p - 1 == 1 ? x : g.add(Op::PowC, {x}, a, s);
    return mul(g, ybar, mul(g, c(g, p), xp, s), s);
  }
  // d(a + b) = da + db; d(a - b) = da - db
  case Op::Add: return ybar;
  case Op::Sub: return i == 0 ? ybar : g.unary(Op::Neg, ybar, s);
  // d(a b) = b da + a db
  case Op::Mul: return mul(g, ybar, node.in[1 - i], s);
  // d(a / b) = da / b - (a / b) db / b
  case Op::Div:
    if (i == 0) return g.binary(Op::Div, ybar, node.in[1], s);
    return g.unary(Op::Neg, g.binary(Op::Div, mul(g, ybar, n, s), node.in[1], s), s);
  // d sum(x) = ones like x
  case Op::SumAll: {
    ir::Attr a;
    a.shape = g.shape(x);
    return a.shape.rank == 0 ? ybar : g.add(Op::BroadcastTo, {ybar}, a, s);
  }
  // the batch-axis ops come in adjoint pairs
  case Op::BatchSum: return g.unary(Op::BatchBroadcast, ybar, s);
  case Op::BatchBroadcast: return g.unary(Op::BatchSum, ybar, s);
  case Op::BatchMean: return g.unary(Op::BatchSpread, ybar, s);
  case Op::BatchSpread: return g.unary(Op::BatchMean, ybar, s);
  // C = op(A) op(B):  dA = dC op(B)'  (or its transpose when A enters transposed),
  //                   dB = op(A)' dC  (likewise)
  case Op::MatMul: {
    NodeId a = node.in[0], b = node.in[1];
    bool ta = node.attr.trans_a, tb = node.attr.trans_b;
    if (i == 0) {
      bool target = g.batched(a);
      return ta ? product_for(g, b, ybar, tb, true, target, s) : product_for(g, ybar, b, false, !tb, target, s);
    }
    bool target = g.batched(b);
    return tb ? product_for(g, ybar, a, true, ta, target, s) : product_for(g, a, ybar, !ta, false, target, s);
  }
  // Y = inv(A):  dA = -Y' dY Y'
  case Op::Inverse: return g.unary(Op::Neg, g.matmul(n, g.matmul(ybar, n, false, true, s), true, false, s), s);
  // G = sum_batch a b':  da = G b,  db = G' a
  case Op::OuterSum:
    return i == 0 ? g.matmul(ybar, node.in[1], false, false, s) : g.matmul(ybar, node.in[0], true, false, s);
  // d(A') = (dA)'
  case Op::Transpose: return g.unary(Op::Transpose, ybar, s);
  // a broadcast scalar collects the sum of its copies
  case Op::BroadcastTo: return g.unary(Op::SumAll, ybar, s);
  // broadcasting along an axis and summing along it are each other's adjoints
  case Op::ColBroadcast: return g.unary(Op::RowSum, ybar, s);
  case Op::RowBroadcast: return g.unary(Op::ColSum, ybar, s);
  case Op::RowSum: return g.broadcast(Op::ColBroadcast, ybar, g.shape(x), s);
  case Op::ColSum: return g.broadcast(Op::RowBroadcast, ybar, g.shape(x), s);
  }
  throw std::logic_error("no derivative rule");
}

} // namespace aec::autodiff
