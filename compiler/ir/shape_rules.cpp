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

} // namespace

Shape infer_shape(const Graph &g, Op op, const std::vector<NodeId> &in, const Attr &attr) {
  switch (info(op).kind) {
  case OpKind::Leaf: bug("leaf has no inputs", op);
  case OpKind::Unary: return g.shape(in[0]);
  case OpKind::Binary: {
    const Shape &a = g.shape(in[0]), &b = g.shape(in[1]);
    if (a.rank == 0) return b;
    if (b.rank == 0) return a;
    if (a.rank != b.rank || !same_size(a.rows(), b.rows()) || !same_size(a.cols(), b.cols()))
      bug("operand shapes differ", op);
    return a;
  }
  case OpKind::Reduce: return Shape::scalar();
  case OpKind::Batch: return g.shape(in[0]);
  case OpKind::Layout: {
    const Shape &a = g.shape(in[0]);
    switch (op) {
    case Op::Transpose:
      if (a.rank != 2) bug("transpose of a non-matrix", op);
      return Shape::matrix(a.d[1], a.d[0]);
    case Op::BroadcastTo:
      if (a.rank != 0) bug("broadcast of a non-scalar", op);
      return attr.shape;
    case Op::ColBroadcast:
    case Op::RowBroadcast:
      if (a.rank != 1 || attr.shape.rank != 2 || !same_size(a.d[0], op == Op::ColBroadcast ? attr.shape.rows() : attr.shape.cols()))
        bug("broadcast of a vector to a matrix of another size", op);
      return attr.shape;
    case Op::RowSum:
    case Op::ColSum:
      if (a.rank != 2) bug("row or column sums of a non-matrix", op);
      return Shape::vector(op == Op::RowSum ? a.rows() : a.cols());
    default: bug("not a layout op", op);
    }
  }
  case OpKind::Linalg: {
    if (op == Op::Inverse) {
      const Shape &a = g.shape(in[0]);
      if (a.rank != 2 || !same_size(a.rows(), a.cols())) bug("inverse of a non-square matrix", op);
      return a;
    }
    const Shape &a = g.shape(in[0]), &b = g.shape(in[1]);
    if (op == Op::OuterSum) {
      if (a.rank == 0 || b.rank == 0 || !same_size(a.cols(), b.cols())) bug("outer_sum of operands with different column counts", op);
      return Shape::matrix(a.rows(), b.rows());
    }
    View va = view(a, attr.trans_a), vb = view(b, attr.trans_b);
    if (!same_size(va.cols, vb.rows)) bug("inner sizes differ", op);
    bool b_is_column = b.rank == 1 && !attr.trans_b;
    bool a_is_row = a.rank == 1 && attr.trans_a;
    if (b_is_column && a_is_row) return Shape::scalar();
    if (b_is_column) return Shape::vector(va.rows);
    return Shape::matrix(va.rows, vb.cols);
  }
  }
  bug("unknown op", op);
}

bool infer_batched(const Graph &g, Op op, const std::vector<NodeId> &in) {
  switch (op) {
  case Op::BatchSum:
  case Op::BatchMean:
  case Op::OuterSum: return false;
  case Op::BatchBroadcast:
  case Op::BatchSpread: return true;
  default: break;
  }
  for (NodeId i : in)
    if (g.batched(i)) return true;
  return false;
}

} // namespace aec::ir
