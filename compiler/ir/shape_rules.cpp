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
bool same_shape(const Shape &a, const Shape &b) {
  if (a.rank != b.rank) return false;
  for (int i = 0; i < a.rank; ++i)
    if (!same_size(a.d[i], b.d[i])) return false;
  return true;
}

// The shape rule of each op: by its kind, or its own specialization below for layout and linear
// algebra ops (a new one without it does not compile).
template <Op op> Shape rule(const Graph &g, const std::vector<NodeId> &in, const Attr &) {
  constexpr OpKind kind = info(op).kind;
  static_assert(kind != OpKind::Layout && kind != OpKind::Linalg && kind != OpKind::Image,
                "a layout, linalg or image op needs its own shape rule");
  if constexpr (kind == OpKind::Leaf) bug("leaf has no inputs", op);
  else if constexpr (kind == OpKind::Unary || kind == OpKind::Batch) return g.shape(in[0]);
  else if constexpr (kind == OpKind::Reduce) return Shape::scalar();
  else { // Binary: a scalar broadcasts
    const Shape &a = g.shape(in[0]), &b = g.shape(in[1]);
    if (a.rank == 0) return b;
    if (b.rank == 0) return a;
    if (!same_shape(a, b)) bug("operand shapes differ", op);
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

template <> Shape rule<Op::Reshape>(const Graph &g, const std::vector<NodeId> &in, const Attr &attr) {
  const Shape &a = g.shape(in[0]);
  if (a.concrete() && attr.shape.concrete() && a.numel() != attr.shape.numel()) bug("reshape to another number of entries", Op::Reshape);
  return attr.shape;
}

template <> Shape rule<Op::ChannelBroadcast>(const Graph &g, const std::vector<NodeId> &in, const Attr &attr) {
  const Shape &a = g.shape(in[0]);
  if (a.rank != 1 || attr.shape.rank != 3 || !same_size(a.d[0], attr.shape.d[0]))
    bug("channel broadcast of a vector to an image of another channel count", Op::ChannelBroadcast);
  return attr.shape;
}

template <> Shape rule<Op::ChannelSum>(const Graph &g, const std::vector<NodeId> &in, const Attr &) {
  const Shape &a = g.shape(in[0]);
  if (a.rank != 3) bug("channel sums of a non-image", Op::ChannelSum);
  return Shape::vector(a.d[0]);
}

// The side of a convolution's output: (n + 2 pad - k) / stride + 1, or 0 when the window does
// not fit.
Size conv_out(Size n, Size k, const Attr &attr) {
  if (n < 0 || k < 0) return n < 0 ? n : k;
  Size span = n + 2 * attr.pad - k;
  return span < 0 ? 0 : span / attr.stride + 1;
}

void check_conv_attr(const Attr &attr, Op op) {
  if (attr.stride < 1 || attr.pad < 0) bug("stride below 1 or negative padding", op);
}

template <> Shape rule<Op::Conv>(const Graph &g, const std::vector<NodeId> &in, const Attr &attr) {
  const Shape &k = g.shape(in[0]), &t = g.shape(in[1]);
  check_conv_attr(attr, Op::Conv);
  if (k.rank != 4 || t.rank != 3 || !same_size(k.d[1], t.d[0])) bug("conv of a filter bank and an image of other channels", Op::Conv);
  Shape out = Shape::image(k.d[0], conv_out(t.d[1], k.d[2], attr), conv_out(t.d[2], k.d[3], attr));
  if (out.d[1] == 0 || out.d[2] == 0) bug("conv's window is larger than the padded image", Op::Conv);
  return out;
}

template <> Shape rule<Op::ConvT>(const Graph &g, const std::vector<NodeId> &in, const Attr &attr) {
  const Shape &k = g.shape(in[0]), &t = g.shape(in[1]), &out = attr.shape;
  check_conv_attr(attr, Op::ConvT);
  if (k.rank != 4 || t.rank != 3 || !same_size(k.d[0], t.d[0])) bug("conv_t of a filter bank and an image of other channels", Op::ConvT);
  if (out.rank != 3 || !same_size(out.d[0], k.d[1]) || !same_size(conv_out(out.d[1], k.d[2], attr), t.d[1]) ||
      !same_size(conv_out(out.d[2], k.d[3], attr), t.d[2]))
    bug("conv_t to a size that a conv would not bring back", Op::ConvT);
  return out;
}

template <> Shape rule<Op::ConvFilter>(const Graph &g, const std::vector<NodeId> &in, const Attr &attr) {
  const Shape &a = g.shape(in[0]), &b = g.shape(in[1]), &out = attr.shape;
  check_conv_attr(attr, Op::ConvFilter);
  if (a.rank != 3 || b.rank != 3 || out.rank != 4 || !same_size(out.d[0], a.d[0]) || !same_size(out.d[1], b.d[0]) ||
      !same_size(conv_out(b.d[1], out.d[2], attr), a.d[1]) || !same_size(conv_out(b.d[2], out.d[3], attr), a.d[2]))
    bug("conv_filter of images whose sizes no conv relates", Op::ConvFilter);
  return out;
}

Shape pooled(const Shape &t, const Attr &attr, Op op) {
  if (t.rank != 3 || attr.stride < 1) bug("pooling of a non-image", op);
  auto side = [&](Size n) { return n < 0 ? n : n / attr.stride; };
  return Shape::image(t.d[0], side(t.d[1]), side(t.d[2]));
}

template <> Shape rule<Op::MaxPoolAt>(const Graph &g, const std::vector<NodeId> &in, const Attr &attr) {
  if (!same_shape(g.shape(in[0]), g.shape(in[1]))) bug("maxpool_at of images of two shapes", Op::MaxPoolAt);
  return pooled(g.shape(in[0]), attr, Op::MaxPoolAt);
}

template <> Shape rule<Op::MaxUnpool>(const Graph &g, const std::vector<NodeId> &in, const Attr &attr) {
  const Shape &t = g.shape(in[0]);
  if (!same_shape(pooled(t, attr, Op::MaxUnpool), g.shape(in[1]))) bug("max_unpool of values no maxpool relates", Op::MaxUnpool);
  return t;
}

template <> Shape rule<Op::AvgPool>(const Graph &g, const std::vector<NodeId> &in, const Attr &attr) {
  return pooled(g.shape(in[0]), attr, Op::AvgPool);
}

template <> Shape rule<Op::Upsample>(const Graph &g, const std::vector<NodeId> &in, const Attr &attr) {
  const Shape &t = g.shape(in[0]), &out = attr.shape;
  if (t.rank != 3 || out.rank != 3 || !same_shape(pooled(out, attr, Op::Upsample), t))
    bug("upsample to a size no pooling brings back", Op::Upsample);
  return out;
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
  if (op == Op::BatchSum || op == Op::BatchMean || op == Op::OuterSum || op == Op::ConvFilter) return false;
  if (op == Op::BatchBroadcast || op == Op::BatchSpread) return true;
  for (NodeId i : in)
    if (g.batched(i)) return true;
  return false;
}

} // namespace aec::ir
