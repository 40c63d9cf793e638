// Forward-mode differentiation for Jacobians (df/dx, d(e)/d(v), grad(e, v)). Each node that
// depends on the point gets a tangent: with a vector point [n], a vector node [p] carries the
// matrix [p, n] of its derivatives and a scalar node the vector [n]; with a scalar point, the
// tangent is shaped like the node. Elementwise ops reuse the partial derivatives of the reverse
// rules (adjoint_rule with a unit adjoint), so each op's calculus is written once.
#include "autodiff/autodiff.h"
#include "ir/algorithms.h"
#include "ir/limits.h"

#include <unordered_map>

namespace aec::autodiff {

using ir::Graph;
using ir::NodeId;
using ir::Op;
using ir::Shape;

namespace {

class Tangents {
public:
  Tangents(Graph &g, NodeId wrt) : g_(g), wrt_(wrt), vector_point_(g.shape(wrt).rank == 1), n_(g.shape(wrt).rows()) {
    if (g.shape(wrt).rank >= 2)
      throw CompileError(g.node(wrt).span, std::string("a derivative with respect to ") +
                                               (g.shape(wrt).rank == 2 ? "a matrix" : "an image") +
                                               " value is not supported yet; differentiate with respect to a vector or a scalar");
  }

  NodeId run(NodeId of) {
    for (NodeId n : ir::live_in_topological_order(g_, {of})) {
      NodeId t = n == wrt_ ? seed() : tangent_of(n);
      if (t < 0) continue;
      if (n != wrt_) check_size(n, t); // the seed, an identity, is never built
      tangent_[n] = t;
    }
    if (auto it = tangent_.find(of); it != tangent_.end()) return it->second;
    return g_.constant(0.0, tangent_shape(g_.shape(of))); // `of` does not depend on the point
  }

private:
  Graph &g_;
  NodeId wrt_;
  bool vector_point_;
  ir::Size n_;
  std::unordered_map<NodeId, NodeId> tangent_;

  NodeId seed() { return vector_point_ ? g_.leaf(Op::Eye, Shape::matrix(n_, n_), false) : g_.constant(1.0); }
  bool is_seed_eye(NodeId t) const { return vector_point_ && g_.node(t).op == Op::Eye; }
  NodeId tangent(NodeId n) const {
    auto it = tangent_.find(n);
    return it == tangent_.end() ? -1 : it->second;
  }

  Shape tangent_shape(const Shape &s) const {
    if (!vector_point_) return s;
    return s.rank == 0 ? Shape::vector(n_) : Shape::matrix(s.rows(), n_);
  }

  void check_size(NodeId n, NodeId t) const {
    const Shape s = g_.shape(t);
    if (s.concrete() && s.numel() > ir::kMaxValueElements)
      throw CompileError(g_.node(n).span, "the derivative of this value with respect to the point is " + g_.shape_text(s) + ": " +
                                              std::to_string(s.numel()) + " elements" + (g_.batched(t) ? " for each sample" : "") +
                                              ", more than the limit of " + std::to_string(ir::kMaxValueElements) + " for one value");
  }

  [[noreturn]] void unsupported(NodeId n, const std::string &why) const {
    throw CompileError(g_.node(n).span, "the derivative here " + why + ", which is not supported yet");
  }

  bool is_const(NodeId d, double v) const {
    const ir::Node &nd = g_.node(d);
    return nd.op == Op::Const && nd.attr.value == v;
  }
  // 1 * y and y * 1, as the unit adjoint leaves them.
  NodeId strip_unit(NodeId d) const {
    const ir::Node &nd = g_.node(d);
    if (nd.op == Op::Mul && is_const(nd.in[0], 1)) return nd.in[1];
    if (nd.op == Op::Mul && is_const(nd.in[1], 1)) return nd.in[0];
    return d;
  }

  // The tangent of an operand of shape `from` as seen by a node of shape `to` (a scalar operand
  // is broadcast along the node's elements).
  NodeId lift(NodeId t, const Shape &from, const Shape &to, NodeId at) {
    if (from.rank != 0 || to.rank == 0) return t;
    if (!vector_point_) return g_.broadcast(Op::BroadcastTo, t, to, g_.node(at).span);
    if (to.rank == 1) return g_.broadcast(Op::RowBroadcast, t, Shape::matrix(to.rows(), n_), g_.node(at).span);
    unsupported(at, "passes through a matrix value");
  }

  // d .* t, where d holds one partial derivative per element of the node (or one scalar).
  NodeId scale(NodeId d, NodeId t, NodeId at) {
    Span s = g_.node(at).span;
    d = strip_unit(d);
    if (is_const(d, 1)) return t;
    if (g_.node(d).op == Op::Neg && is_const(g_.node(d).in[0], 1)) return g_.unary(Op::Neg, t, s);
    if (!vector_point_ || g_.shape(d).rank == 0) return g_.binary(Op::Mul, d, t, s);
    return g_.binary(Op::Mul, g_.broadcast(Op::ColBroadcast, d, g_.shape(t), s), t, s);
  }

  NodeId sum(NodeId a, NodeId b, NodeId at) {
    if (a < 0) return b;
    if (b < 0) return a;
    return g_.binary(Op::Add, a, b, g_.node(at).span);
  }

  NodeId tangent_of(NodeId n) {
    const ir::Node node = g_.node(n); // a copy: adding nodes may move the arena
    bool any = false;
    for (NodeId i : node.in) any |= tangent(i) >= 0;
    if (!any) return -1; // leaves and everything that does not depend on the point
    if (vector_point_ && node.shape.rank == 2)
      unsupported(n, "passes through the matrix value " + g_.shape_text(node.shape) +
                         " (only vector and scalar values may lie between a Jacobian's point and its function)");
    if (node.shape.rank >= 3 || ir::info(node.op).kind == ir::OpKind::Image)
      unsupported(n, "passes through the image value " + g_.shape_text(node.shape) +
                         " (a Jacobian of an image or through convolutions and pooling)");
    const Span s = node.span;
    switch (ir::info(node.op).kind) {
    case ir::OpKind::Unary:
    case ir::OpKind::Binary: {
      NodeId total = -1;
      for (size_t i = 0; i < node.in.size(); ++i) {
        NodeId ti = tangent(node.in[i]);
        if (ti < 0) continue;
        NodeId d = adjoint_rule(g_, n, i, g_.constant(1.0));
        if (d < 0) continue; // flat (step, sign)
        total = sum(total, scale(d, lift(ti, g_.shape(node.in[i]), node.shape, n), n), n);
      }
      return total;
    }
    case ir::OpKind::Reduce: {
      if (node.op == Op::ArgMax) return -1; // flat
      if (node.op == Op::LogSumExp) unsupported(n, "passes through logsumexp (softmax, log_softmax, cross_entropy)");
      NodeId t = tangent(node.in[0]);
      if (!vector_point_) return g_.unary(Op::SumAll, t, s);
      return g_.shape(node.in[0]).rank == 0 ? t : g_.unary(Op::ColSum, t, s);
    }
    case ir::OpKind::Linalg: return product(n, node);
    case ir::OpKind::Layout: {
      NodeId t = tangent(node.in[0]);
      if (!vector_point_) {
        if (node.op == Op::Transpose || node.op == Op::RowSum || node.op == Op::ColSum || node.op == Op::ChannelSum)
          return g_.unary(node.op, t, s);
        return g_.broadcast(node.op, t, node.shape, s);
      }
      if (node.op == Op::BroadcastTo) return lift(t, Shape::scalar(), node.shape, n);
      unsupported(n, "passes through a matrix value");
    }
    case ir::OpKind::Batch: unsupported(n, "mixes the samples of a batch");
    case ir::OpKind::Image: // refused above
    case ir::OpKind::Leaf: break;
    }
    return -1;
  }

  // C = op(A) op(B), or inv(A).
  NodeId product(NodeId n, const ir::Node &node) {
    if (node.op == Op::Inverse) // d inv(A) = -inv(A) dA inv(A); a vector point never gets here (a matrix value)
      return g_.unary(Op::Neg, g_.matmul(n, g_.matmul(tangent(node.in[0]), n, false, false, node.span), false, false, node.span),
                      node.span);
    NodeId a = node.in[0], b = node.in[1];
    NodeId ta = tangent(a), tb = tangent(b);
    bool tra = node.attr.trans_a, trb = node.attr.trans_b;
    Span s = node.span;
    if (node.op == Op::OuterSum) unsupported(n, "mixes the samples of a batch");
    if (!vector_point_) { // product rule, tangents shaped like their values
      NodeId left = ta < 0 ? -1 : g_.matmul(ta, b, tra, trb, s);
      NodeId right = tb < 0 ? -1 : g_.matmul(a, tb, tra, trb, s);
      return sum(left, right, n);
    }
    // A vector point: the operands with tangents are vectors (matrices were rejected above).
    const Shape sa = g_.shape(a), sb = g_.shape(b);    // copies: adding nodes may move the arena
    if (sa.rank == 1 && sb.rank == 1 && tra && !trb) { // a' b: b' Ta + a' Tb
      auto part = [&](NodeId other, NodeId t) {
        return t < 0 ? -1 : g_.unary(Op::ColSum, g_.binary(Op::Mul, g_.broadcast(Op::ColBroadcast, other, g_.shape(t), s), t, s), s);
      };
      return sum(part(b, ta), part(a, tb), n);
    }
    if (ta >= 0 || trb || sb.rank != 1) unsupported(n, "passes through a product this version cannot differentiate per sample");
    if (is_seed_eye(tb)) return tra ? g_.unary(Op::Transpose, a, s) : a; // A I = A
    return g_.matmul(a, tb, tra, false, s);
  }
};

} // namespace

NodeId jacobian(Graph &g, NodeId of, NodeId wrt) { return Tangents(g, wrt).run(of); }

} // namespace aec::autodiff
