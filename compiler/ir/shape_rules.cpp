// Shape and batch-axis inference for every op. The elaborator has already told the user about
// mismatches; a violation here is a compiler bug, reported as std::logic_error.
#include "ir/graph.h"

#include <stdexcept>

namespace aec::ir {
namespace {

[[noreturn]] void bug(const char *what, Op op) {
  throw std::logic_error(std::string("internal shape error: ") + what + " in " + info(op).spelling);
}

// A vector is viewed as a column; `trans` swaps the view.
struct View {
  Size rows, cols;
};
View view(const Shape &s, bool trans) {
  View v{s.rows(), s.cols()};
  if (trans) std::swap(v.rows, v.cols);
  return v;
}

bool same_size(Size a, Size b) { return a == b || a < 0 || b < 0; }

// The shape rule of each op: by its kind, or its own specialization below for layout and linear
// algebra ops (a new one without it does not compile).
template <Op op> Shape rule(const Graph &g, const std::vector<NodeId> &in, const Attr &) {
  constexpr OpKind kind = info(op).kind;
  static_assert(kind != OpKind::Layout && kind != OpKind::Linalg, "a layout or linalg op needs its own shape rule");
  if constexpr (kind == OpKind::Leaf) bug("leaf has no inputs", op);
  else if constexpr (kind == OpKind::Unary || kind == OpKind::Batch) return g.shape(in[0]);
  else if constexpr (kind == OpKind::Reduce) return Shape::scalar();
  else { // Binary: a scalar broadcasts
    const Shape &a = g.shape(in[0]), &b = g.shape(in[1]);
    if (a.rank == 0) return b;
    if (b.rank == 0) return a;
    if (a.rank != b.rank || !same_size(a.rows(), b.rows()) || !same_size(a.cols(), b.cols())) bug("operand shapes differ", op);
    return a;
  }
}

template <> Shape rule<Op::Transpose>(const Graph &g, const std::vector<NodeId> &in, const Attr &) {
  const Shape &a = g.shape(in[0]);
  if (a.rank != 2) bug("transpose of a non-matrix", Op::Transpose);
  return Shape::matrix(a.d[1], a.d[0]);
}

template <> Shape rule<Op::BroadcastTo>(const Graph &g, const std::vector<NodeId> &in, const Attr &attr) {
  if (g.shape(in[0]).rank != 0) bug("broadcast of a non-scalar", Op::BroadcastTo);
  return attr.shape;
}

Shape axis_broadcast(const Graph &g, const std::vector<NodeId> &in, const Attr &attr, Op op) {
  const Shape &a = g.shape(in[0]);
  if (a.rank != 1 || attr.shape.rank != 2 || !same_size(a.d[0], op == Op::ColBroadcast ? attr.shape.rows() : attr.shape.cols()))
    bug("broadcast of a vector to a matrix of another size", op);
  return attr.shape;
}
template <> Shape rule<Op::ColBroadcast>(const Graph &g, const std::vector<NodeId> &in, const Attr &attr) {
  return axis_broadcast(g, in, attr, Op::ColBroadcast);
}
template <> Shape rule<Op::RowBroadcast>(const Graph &g, const std::vector<NodeId> &in, const Attr &attr) {
  return axis_broadcast(g, in, attr, Op::RowBroadcast);
}

Shape axis_sum(const Graph &g, const std::vector<NodeId> &in, Op op) {
  const Shape &a = g.shape(in[0]);
  if (a.rank != 2) bug("row or column sums of a non-matrix", op);
  return Shape::vector(op == Op::RowSum ? a.rows() : a.cols());
}
template <> Shape rule<Op::RowSum>(const Graph &g, const std::vector<NodeId> &in, const Attr &) { return axis_sum(g, in, Op::RowSum); }
template <> Shape rule<Op::ColSum>(const Graph &g, const std::vector<NodeId> &in, const Attr &) { return axis_sum(g, in, Op::ColSum); }

template <> Shape rule<Op::Inverse>(const Graph &g, const std::vector<NodeId> &in, const Attr &) {
  const Shape &a = g.shape(in[0]);
  if (a.rank != 2 || !same_size(a.rows(), a.cols())) bug("inverse of a non-square matrix", Op::Inverse);
  return a;
}

template <> Shape rule<Op::OuterSum>(const Graph &g, const std::vector<NodeId> &in, const Attr &) {
  const Shape &a = g.shape(in[0]), &b = g.shape(in[1]);
  if (a.rank == 0 || b.rank == 0 || !same_size(a.cols(), b.cols())) bug("outer_sum of operands with different column counts", Op::OuterSum);
  return Shape::matrix(a.rows(), b.rows());
}

template <> Shape rule<Op::MatMul>(const Graph &g, const std::vector<NodeId> &in, const Attr &attr) {
  const Shape &a = g.shape(in[0]), &b = g.shape(in[1]);
  View va = view(a, attr.trans_a), vb = view(b, attr.trans_b);
  if (!same_size(va.cols, vb.rows)) bug("inner sizes differ", Op::MatMul);
  bool b_is_column = b.rank == 1 && !attr.trans_b;
  bool a_is_row = a.rank == 1 && attr.trans_a;
  if (b_is_column && a_is_row) return Shape::scalar();
  if (b_is_column) return Shape::vector(va.rows);
  return Shape::matrix(va.rows, vb.cols);
}

} // namespace

Shape infer_shape(const Graph &g, Op op, const std::vector<NodeId> &in, const Attr &attr) {
  switch (op) {
#define OP(name, spelling, arity, kind_)                                                                                                   \
  case Op::name:                                                                                                                           \
    return rule<Op::name>(g, in, attr);
#include "ir/ops.def"
#undef OP
  }
  bug("an op outside ops.def", op);
}

bool infer_batched(const Graph &g, Op op, const std::vector<NodeId> &in) {
  // The ops that move data across the batch axis decide it; every other op is batched when an
  // operand is.
  if (op == Op::BatchSum || op == Op::BatchMean || op == Op::OuterSum) return false;
  if (op == Op::BatchBroadcast || op == Op::BatchSpread) return true;
  for (NodeId i : in)
    if (g.batched(i)) return true;
  return false;
}

} // namespace aec::ir
