// The derivative rules of the ops that are not elementwise, one per op of ir/ops.def with its
// math (the elementwise ops have theirs in ir/elementwise.h). Built only from IR ops, so the
// result is differentiable again. An op without a rule does not compile: the dispatch at the end
// instantiates `rule<Op::...>` for every op, and the general template is deleted.
#include "autodiff/autodiff.h"
#include "ir/elementwise.h"

#include <stdexcept>

namespace aec::autodiff {

using ir::Graph;
using ir::NodeId;
using ir::Op;

namespace {

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

// What a rule sees: the node (a copy: adding nodes may move the arena), its id, the operand asked
// for and the adjoint flowing in.
struct At {
  Graph &g;
  NodeId n;
  const ir::Node &node;
  size_t i;
  NodeId ybar;
  Span s;
  NodeId x() const { return node.in[0]; }
};

template <Op> NodeId rule(const At &) = delete;

// d sum(x) = ones like x
template <> NodeId rule<Op::SumAll>(const At &d) {
  ir::Attr a;
  a.shape = d.g.shape(d.x());
  return a.shape.rank == 0 ? d.ybar : d.g.add(Op::BroadcastTo, {d.ybar}, a, d.s);
}
// d logsumexp(x) = softmax(x) = exp(x - logsumexp(x))
template <> NodeId rule<Op::LogSumExp>(const At &d) {
  ir::Attr a;
  a.shape = d.g.shape(d.x());
  NodeId shifted = d.g.binary(Op::Sub, d.x(), d.g.add(Op::BroadcastTo, {d.n}, a, d.s), d.s);
  return d.g.binary(Op::Mul, d.g.add(Op::BroadcastTo, {d.ybar}, a, d.s), d.g.unary(Op::Exp, shifted, d.s), d.s);
}
// an index is flat
template <> NodeId rule<Op::ArgMax>(const At &) { return -1; }
// the batch-axis ops come in adjoint pairs
template <> NodeId rule<Op::BatchSum>(const At &d) { return d.g.unary(Op::BatchBroadcast, d.ybar, d.s); }
template <> NodeId rule<Op::BatchBroadcast>(const At &d) { return d.g.unary(Op::BatchSum, d.ybar, d.s); }
template <> NodeId rule<Op::BatchMean>(const At &d) { return d.g.unary(Op::BatchSpread, d.ybar, d.s); }
template <> NodeId rule<Op::BatchSpread>(const At &d) { return d.g.unary(Op::BatchMean, d.ybar, d.s); }
// C = op(A) op(B):  dA = dC op(B)'  (or its transpose when A enters transposed),
//                   dB = op(A)' dC  (likewise)
template <> NodeId rule<Op::MatMul>(const At &d) {
  Graph &g = d.g;
  NodeId a = d.node.in[0], b = d.node.in[1], ybar = d.ybar;
  bool ta = d.node.attr.trans_a, tb = d.node.attr.trans_b;
  if (d.i == 0) {
    bool target = g.batched(a);
    return ta ? product_for(g, b, ybar, tb, true, target, d.s) : product_for(g, ybar, b, false, !tb, target, d.s);
  }
  bool target = g.batched(b);
  return tb ? product_for(g, ybar, a, true, ta, target, d.s) : product_for(g, a, ybar, !ta, false, target, d.s);
}
// Y = inv(A):  dA = -Y' dY Y'
template <> NodeId rule<Op::Inverse>(const At &d) {
  return d.g.unary(Op::Neg, d.g.matmul(d.n, d.g.matmul(d.ybar, d.n, false, true, d.s), true, false, d.s), d.s);
}
// G = sum_batch a b':  da = G b,  db = G' a
template <> NodeId rule<Op::OuterSum>(const At &d) {
  return d.i == 0 ? d.g.matmul(d.ybar, d.node.in[1], false, false, d.s) : d.g.matmul(d.ybar, d.node.in[0], true, false, d.s);
}
// d(A') = (dA)'
template <> NodeId rule<Op::Transpose>(const At &d) { return d.g.unary(Op::Transpose, d.ybar, d.s); }
// a broadcast scalar collects the sum of its copies
template <> NodeId rule<Op::BroadcastTo>(const At &d) { return d.g.unary(Op::SumAll, d.ybar, d.s); }
// broadcasting along an axis and summing along it are each other's adjoints
template <> NodeId rule<Op::ColBroadcast>(const At &d) { return d.g.unary(Op::RowSum, d.ybar, d.s); }
template <> NodeId rule<Op::RowBroadcast>(const At &d) { return d.g.unary(Op::ColSum, d.ybar, d.s); }
template <> NodeId rule<Op::RowSum>(const At &d) { return d.g.broadcast(Op::ColBroadcast, d.ybar, d.g.shape(d.x()), d.s); }
template <> NodeId rule<Op::ColSum>(const At &d) { return d.g.broadcast(Op::RowBroadcast, d.ybar, d.g.shape(d.x()), d.s); }

// a reshape is undone by the reshape back
template <> NodeId rule<Op::Reshape>(const At &d) {
  ir::Attr a;
  a.shape = d.g.shape(d.x());
  return d.g.add(Op::Reshape, {d.ybar}, a, d.s);
}
template <> NodeId rule<Op::ChannelBroadcast>(const At &d) { return d.g.unary(Op::ChannelSum, d.ybar, d.s); }
template <> NodeId rule<Op::ChannelSum>(const At &d) { return d.g.broadcast(Op::ChannelBroadcast, d.ybar, d.g.shape(d.x()), d.s); }

// The convolutions are bilinear and each one's partial adjoints are the other two, with the same
// stride and padding:  y = conv(K, t):   dt = conv_t(K, dy) (at t's size),  dK = conv_filter(dy, t)
//                      y = conv_t(K, t): dt = conv(K, dy),                   dK = conv_filter(t, dy)
//                      F = conv_filter(a, b): da = conv(dF, b),  db = conv_t(dF, a) (at b's size)
// A filter bank's adjoint sums over the batch (conv_filter does); one that varies per sample is
// refused by sema before it gets here.
ir::Attr conv_attr(const ir::Node &n, const ir::Shape &shape) {
  ir::Attr a;
  a.stride = n.attr.stride;
  a.pad = n.attr.pad;
  a.shape = shape;
  return a;
}
template <> NodeId rule<Op::Conv>(const At &d) {
  NodeId k = d.node.in[0], t = d.node.in[1];
  if (d.i == 1) return d.g.add(Op::ConvT, {k, d.ybar}, conv_attr(d.node, d.g.shape(t)), d.s);
  return d.g.add(Op::ConvFilter, {d.ybar, t}, conv_attr(d.node, d.g.shape(k)), d.s);
}
template <> NodeId rule<Op::ConvT>(const At &d) {
  NodeId k = d.node.in[0], t = d.node.in[1];
  if (d.i == 1) return d.g.add(Op::Conv, {k, d.ybar}, conv_attr(d.node, {}), d.s);
  return d.g.add(Op::ConvFilter, {t, d.ybar}, conv_attr(d.node, d.g.shape(k)), d.s);
}
template <> NodeId rule<Op::ConvFilter>(const At &d) {
  NodeId a = d.node.in[0], b = d.node.in[1];
  if (d.i == 0) return d.g.add(Op::Conv, {d.ybar, b}, conv_attr(d.node, {}), d.s);
  return d.g.add(Op::ConvT, {d.ybar, a}, conv_attr(d.node, d.g.shape(b)), d.s);
}
// maxpool_at(t, v) is linear in v and flat in t (it only chooses): dv = max_unpool(t, dy);
// max_unpool(t, u) likewise: du = maxpool_at(t, dy). A flat operand's adjoint is -1 (none).
template <> NodeId rule<Op::MaxPoolAt>(const At &d) {
  if (d.i == 0) return -1;
  return d.g.add(Op::MaxUnpool, {d.node.in[0], d.ybar}, conv_attr(d.node, {}), d.s);
}
template <> NodeId rule<Op::MaxUnpool>(const At &d) {
  if (d.i == 0) return -1;
  return d.g.add(Op::MaxPoolAt, {d.node.in[0], d.ybar}, conv_attr(d.node, {}), d.s);
}
// the mean of each window and the repetition of an entry over its window are adjoint up to k^2
template <> NodeId rule<Op::AvgPool>(const At &d) {
  double k = static_cast<double>(d.node.attr.stride);
  NodeId spread = d.g.add(Op::Upsample, {d.ybar}, conv_attr(d.node, d.g.shape(d.x())), d.s);
  return d.g.binary(Op::Mul, d.g.constant(1 / (k * k)), spread, d.s);
}
template <> NodeId rule<Op::Upsample>(const At &d) {
  double k = static_cast<double>(d.node.attr.stride);
  return d.g.binary(Op::Mul, d.g.constant(k * k), d.g.add(Op::AvgPool, {d.ybar}, conv_attr(d.node, {}), d.s), d.s);
}

NodeId elementwise_rule(const At &d) {
  ir::Term none(d.g, -1, d.s);
  ir::Adjoint adj{none.with(d.node.in[0]), d.node.in.size() > 1 ? none.with(d.node.in[1]) : none, none.with(d.n), none.with(d.ybar), d.i,
                  d.node.attr.value};
  return ir::elementwise_derivative(adj, d.node.op).id();
}

// `if constexpr` discards only inside a template: each op gets its own instance.
template <Op op> NodeId rule_of(const At &d) {
  if constexpr (ir::info(op).kind == ir::OpKind::Leaf) return -1;
  else if constexpr (ir::is_elementwise(op)) return elementwise_rule(d);
  else return rule<op>(d);
}

} // namespace

NodeId adjoint_rule(Graph &g, NodeId n, size_t i, NodeId ybar) {
  const ir::Node node = g.node(n); // a copy: adding nodes may move the arena
  const At at{g, n, node, i, ybar, node.span};
  switch (node.op) {
#define OP(name, spelling, arity, kind_)                                                                                                   \
  case Op::name:                                                                                                                           \
    return rule_of<Op::name>(at);
#include "ir/ops.def"
#undef OP
  }
  throw std::logic_error("no derivative rule");
}

} // namespace aec::autodiff
