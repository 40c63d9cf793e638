#include "eval/reference.h"
#include "eval/images.h"
#include "ir/algorithms.h"
#include "ir/elementwise.h"

#include <cmath>
#include <stdexcept>

namespace aec::eval {

using ir::NodeId;
using ir::Op;

namespace {

template <class T> T at(const Mat<T> &m, Eigen::Index i, Eigen::Index b) { return m(m.rows() == 1 ? 0 : i, m.cols() == 1 ? 0 : b); }

// View of column `b` of a flattened value as its per-sample matrix.
// (A column of a column-major matrix is contiguous, so this is a view, not a copy.)
template <class T> Eigen::Map<const Mat<T>> sample(const Mat<T> &v, const ir::Shape &s, Eigen::Index b) {
  return Eigen::Map<const Mat<T>>(v.data() + (v.cols() == 1 ? 0 : b) * v.rows(), s.rows(), s.cols());
}

// Column `b` of a value (its only column when it has one).
template <class T> const T *column(const Mat<T> &v, Eigen::Index b) { return v.data() + (v.cols() == 1 ? 0 : b) * v.rows(); }

} // namespace

double noise_mean(const ir::Node &n) {
  switch (n.op) {
  case Op::RandU: return 0.5;
  case Op::Bernoulli: return n.attr.value;
  default: return 0.0;
  }
}

template <class T> std::vector<Mat<T>> evaluate(const ir::Graph &g, const std::vector<NodeId> &roots, const Bindings<T> &bind) {
  const Eigen::Index B = bind.inputs.empty() || bind.input.size() ? bind.input.cols() : bind.inputs.begin()->second.cols();
  // Bound values (input, params, noise draws) are read in place, never copied.
  std::vector<Mat<T>> val(g.size());
  std::vector<const Mat<T> *> ref(g.size(), nullptr);
  ir::ScalarAlgebra<T> alg;
  for (NodeId id : ir::live_in_topological_order(g, roots)) {
    const ir::Node &n = g.node(id);
    const Eigen::Index numel = n.shape.numel(), cols = n.batched ? B : 1;
    auto in = [&](size_t i) -> const Mat<T> & { return *ref[static_cast<size_t>(n.in[i])]; };
    ref[static_cast<size_t>(id)] = &val[static_cast<size_t>(id)];
    Mat<T> out(numel, cols);
    switch (ir::info(n.op).kind) {
    case ir::OpKind::Leaf:
      switch (n.op) {
      case Op::Input: {
        auto named = bind.inputs.find(n.attr.name);
        ref[static_cast<size_t>(id)] = named != bind.inputs.end() ? &named->second : &bind.input;
        continue;
      }
      case Op::Param: {
        auto p = bind.params.find(n.attr.name);
        if (p == bind.params.end()) throw std::invalid_argument("no value bound for param " + n.attr.name);
        ref[static_cast<size_t>(id)] = &p->second;
        continue;
      }
      case Op::Const: out.setConstant(static_cast<T>(n.attr.value)); break;
      case Op::Var: throw std::logic_error("a Jacobian's stand-in variable reached evaluation");
      case Op::Eye: out = Mat<T>::Identity(n.shape.rows(), n.shape.cols()).reshaped(numel, 1); break;
      default: { // noise
        auto d = bind.noise.find(n.attr.id);
        if (d != bind.noise.end()) {
          ref[static_cast<size_t>(id)] = &d->second;
          continue;
        }
        out.setConstant(static_cast<T>(noise_mean(n)));
      }
      }
      break;
    case ir::OpKind::Unary:
    case ir::OpKind::Binary: {
      bool binary = ir::info(n.op).kind == ir::OpKind::Binary;
      for (Eigen::Index b = 0; b < cols; ++b)
        for (Eigen::Index i = 0; i < numel; ++i)
          out(i, b) = ir::eval_elementwise(n.op, alg, at(in(0), i, b), binary ? at(in(1), i, b) : T(0), n.attr.value);
      break;
    }
    case ir::OpKind::Reduce:
      for (Eigen::Index b = 0; b < cols; ++b) {
        auto x = in(0).col(in(0).cols() == 1 ? 0 : b);
        Eigen::Index best = 0;
        T m = x.maxCoeff(&best); // the first largest
        if (n.op == Op::SumAll) out(0, b) = x.sum();
        else if (n.op == Op::ArgMax) out(0, b) = static_cast<T>(best);
        else { // LogSumExp, as a plain loop: Eigen's vectorized exp trips GCC 12's -Wuninitialized at -march=x86-64-v4
          T sum = 0;
          for (Eigen::Index i = 0; i < x.size(); ++i) sum += std::exp(x(i) - m);
          out(0, b) = m + std::log(sum);
        }
      }
      break;
    case ir::OpKind::Batch:
      switch (n.op) {
      case Op::BatchSum: out = in(0).rowwise().sum(); break;
      case Op::BatchMean: out = in(0).rowwise().sum() / static_cast<T>(B); break;
      case Op::BatchBroadcast: out = in(0).replicate(1, B); break;
      default: out = in(0).replicate(1, B) / static_cast<T>(B); break; // BatchSpread
      }
      break;
    case ir::OpKind::Linalg: {
      if (n.op == Op::Inverse) {
        for (Eigen::Index b = 0; b < cols; ++b) out.col(b) = sample(in(0), n.shape, b).inverse().reshaped();
        break;
      }
      const ir::Shape &sa = g.shape(n.in[0]), &sb = g.shape(n.in[1]);
      if (n.op == Op::OuterSum) { // all samples' columns side by side: one product
        auto wide = [&](size_t i, const ir::Shape &s) { return Mat<T>(in(i).reshaped(s.rows(), s.cols() * in(i).cols())); };
        out = (wide(0, sa) * wide(1, sb).transpose()).reshaped(numel, 1);
        break;
      }
      const bool ta = n.attr.trans_a, tb = n.attr.trans_b;
      // op(A) op(B) on views; transposes are expression templates, never copies.
      auto product = [&](const Eigen::Map<const Mat<T>> &a, const auto &b) -> Mat<T> {
        if (ta && tb) return a.transpose() * b.transpose();
        if (ta) return a.transpose() * b;
        if (tb) return a * b.transpose();
        return a * b;
      };
      if (!g.batched(n.in[0]) && g.batched(n.in[1]) && sb.rank == 1 && !tb) {
        out = product(sample(in(0), sa, 0), in(1)); // one product for the whole batch
        break;
      }
      for (Eigen::Index b = 0; b < cols; ++b) out.col(b) = product(sample(in(0), sa, b), sample(in(1), sb, b)).reshaped();
      break;
    }
    case ir::OpKind::Layout: {
      const ir::Shape &is = g.shape(n.in[0]);
      for (Eigen::Index b = 0; b < cols; ++b) {
        switch (n.op) {
        case Op::Transpose: out.col(b) = sample(in(0), is, b).transpose().reshaped(); break;
        case Op::BroadcastTo: out.col(b).setConstant(at(in(0), 0, b)); break;
        case Op::ColBroadcast: out.col(b) = sample(in(0), is, b).replicate(1, n.shape.cols()).reshaped(); break;
        case Op::RowBroadcast: out.col(b) = sample(in(0), is, b).transpose().replicate(n.shape.rows(), 1).reshaped(); break;
        case Op::RowSum: out.col(b) = sample(in(0), is, b).rowwise().sum(); break;
        case Op::ColSum: out.col(b) = sample(in(0), is, b).colwise().sum().transpose(); break;
        case Op::Reshape: out.col(b) = in(0).col(in(0).cols() == 1 ? 0 : b); break;
        case Op::ChannelBroadcast:
          for (Eigen::Index i = 0; i < numel; ++i) out(i, b) = at(in(0), i / (n.shape.d[1] * n.shape.d[2]), b);
          break;
        case Op::ChannelSum:
          out.col(b) = Mat<T>(in(0).col(in(0).cols() == 1 ? 0 : b).reshaped(is.d[1] * is.d[2], is.d[0])).colwise().sum().transpose();
          break;
        default: throw std::logic_error("not a layout op");
        }
      }
      break;
    }
    case ir::OpKind::Image: {
      const ir::Shape &s0 = g.shape(n.in[0]);
      if (n.op == Op::ConvFilter) { // the sum over the samples of either operand
        const Eigen::Index count = std::max(in(0).cols(), in(1).cols());
        out.setZero();
        ConvGeometry geo = conv_geometry(n.shape, g.shape(n.in[1]), s0, n.attr);
        for (Eigen::Index b = 0; b < count; ++b) conv_filter_add(geo, column(in(0), b), column(in(1), b), out.data());
        break;
      }
      for (Eigen::Index b = 0; b < cols; ++b) {
        T *o = out.col(b).data();
        switch (n.op) {
        case Op::Conv: conv(conv_geometry(s0, g.shape(n.in[1]), n.shape, n.attr), column(in(0), b), column(in(1), b), o); break;
        case Op::ConvT: conv_t(conv_geometry(s0, n.shape, g.shape(n.in[1]), n.attr), column(in(0), b), column(in(1), b), o); break;
        case Op::MaxPoolAt: maxpool_at(s0, n.attr.stride, column(in(0), b), column(in(1), b), o); break;
        case Op::MaxUnpool: max_unpool(s0, n.attr.stride, column(in(0), b), column(in(1), b), o); break;
        case Op::AvgPool: avgpool(s0, n.attr.stride, column(in(0), b), o); break;
        case Op::Upsample: upsample(s0, n.shape, n.attr.stride, column(in(0), b), o); break;
        default: throw std::logic_error("not an image op");
        }
      }
      break;
    }
    }
    val[static_cast<size_t>(id)] = std::move(out);
  }
  std::vector<Mat<T>> result;
  for (NodeId r : roots) result.push_back(*ref[static_cast<size_t>(r)]);
  return result;
}

template std::vector<Mat<double>> evaluate(const ir::Graph &, const std::vector<NodeId> &, const Bindings<double> &);
template std::vector<Mat<float>> evaluate(const ir::Graph &, const std::vector<NodeId> &, const Bindings<float> &);

} // namespace aec::eval
