#include "support/random_graph.h"
#include "support/op_table.h"

#include <random>
#include <string>

namespace aec::test {

namespace {

using ir::NodeId;
using ir::Op;
using ir::Shape;

class RandomGraph {
public:
  explicit RandomGraph(uint64_t seed) : rng_(seed) {}

  // A scalar-per-sample objective built from random vector and matrix expressions.
  ir::Graph build(std::vector<NodeId> &params) {
    ir::Attr xa;
    xa.name = kRandomGraphInput;
    x_ = g_.leaf(Op::Input, Shape::vector(kN), true, xa);
    for (int i = 0; i < 3; ++i) mats_.push_back(param("A" + std::to_string(i), Shape::matrix(kN, kN), params));
    mats_.push_back(param("W", Shape::matrix(kM, kN), params));
    mats_.push_back(param("U", Shape::matrix(kN, kM), params));
    vecs_ = {x_, param("v", Shape::vector(kN), params)};
    for (int step = 0; step < 6; ++step) vecs_.push_back(vector_expr(3));
    NodeId total = g_.unary(Op::SumAll, g_.unary(Op::Tanh, vecs_.back()));
    if (coin()) total = g_.binary(Op::Add, total, frobenius_of_row_scaling());
    g_.outputs.push_back({"loss", g_.unary(Op::BatchMean, total)});
    g_.outputs.push_back({"objective", total});
    return g_;
  }

private:
  static constexpr int kN = 5, kM = 3;
  std::mt19937_64 rng_;
  ir::Graph g_;
  NodeId x_ = -1;
  std::vector<NodeId> mats_, vecs_;
  // The elementwise ops of the table (those whose math takes a constant aside).
  std::vector<ir::ElementwiseOp> unary_ = table_ops(1), binary_ = table_ops(2);

  static std::vector<ir::ElementwiseOp> table_ops(int arity) {
    std::vector<ir::ElementwiseOp> list;
    for (const ir::ElementwiseOp &op : ir::elementwise_ops())
      if (op.arity == arity && !op.takes_constant) list.push_back(op);
    return list;
  }
  const ir::ElementwiseOp &pick_from(const std::vector<ir::ElementwiseOp> &ops) {
    return ops[static_cast<size_t>(pick(static_cast<int>(ops.size())))];
  }

  bool coin() { return rng_() % 2 == 0; }
  int pick(int n) { return static_cast<int>(rng_() % static_cast<uint64_t>(n)); }
  NodeId param(const std::string &name, Shape s, std::vector<NodeId> &params) {
    ir::Attr a;
    a.name = name;
    NodeId p = g_.leaf(Op::Param, s, false, a);
    params.push_back(p);
    return p;
  }
  NodeId any_vector() { return vecs_[static_cast<size_t>(pick(static_cast<int>(vecs_.size())))]; }
  NodeId square_matrix() {
    NodeId m = mats_[static_cast<size_t>(pick(3))];
    switch (pick(5)) {
    case 4: { // a Gram matrix M M' used transposed, beside another transposed operand
      NodeId gram = g_.matmul(m, m, false, true);
      return g_.matmul(gram, mats_[static_cast<size_t>(pick(3))], true, coin());
    }
    case 0: return g_.unary(Op::Transpose, m);
    case 1: return g_.unary(Op::Transpose, g_.unary(Op::Transpose, m));
    case 2: return g_.matmul(m, mats_[static_cast<size_t>(pick(3))], coin(), coin());
    default: return m;
    }
  }

  // A [kN] vector expression of depth up to `depth`.
  NodeId vector_expr(int depth) {
    if (depth == 0) return any_vector();
    NodeId a = vector_expr(depth - 1);
    switch (pick(12)) {
    case 0: { // every unary op of the table
      const ir::ElementwiseOp &op = pick_from(unary_);
      return g_.unary(op.op, in_domain(op.domain, g_, a));
    }
    case 1: { // every binary op of the table
      const ir::ElementwiseOp &op = pick_from(binary_);
      return g_.binary(op.op, in_domain(op.domain, g_, a), in_domain(op.domain, g_, vector_expr(depth - 1)));
    }
    case 2: return g_.binary(Op::Mul, g_.constant(pick(3)), a); // 0 a, 1 a, 2 a
    case 3: return g_.binary(coin() ? Op::Add : Op::Sub, a, g_.constant(pick(2)));
    case 4: return g_.unary(Op::Neg, g_.unary(Op::Neg, a));
    case 5: return g_.matmul(square_matrix(), a, coin(), false);
    case 6: { // a chain; sometimes through a column scaling X diag(r)
      NodeId m = square_matrix();
      if (coin()) m = g_.binary(Op::Mul, m, g_.broadcast(Op::RowBroadcast, g_.unary(Op::Tanh, any_vector()), Shape::matrix(kN, kN)));
      return g_.matmul(g_.matmul(square_matrix(), m), a);
    }
    case 7: { // A (u - B v): distribution
      NodeId inner = g_.binary(Op::Sub, a, g_.matmul(mats_[3], g_.matmul(mats_[3], a, false, false), true, false));
      return g_.matmul(square_matrix(), inner);
    }
    case 8: return g_.matmul(g_.leaf(Op::Eye, Shape::matrix(kN, kN), false), a, false, false);
    case 9: { // W (W' u) is cheaper as (W W') u, and U' (U u) as (U' U) u (a transpose flag)
      const NodeId w = mats_[3], u_mat = mats_[4];
      NodeId u = g_.matmul(w, a); // [kM]
      NodeId v = coin() ? g_.matmul(w, g_.matmul(g_.unary(Op::Transpose, w), u)) : g_.matmul(u_mat, g_.matmul(u_mat, u), true, false);
      return g_.matmul(w, v, true, false);
    }
    case 10: { // log(sigmoid(t)) and log(1 - sigmoid(t)): the stable forms (|t| <= 1, where the
               // literal forms, the reference here, are still accurate)
      NodeId s = g_.unary(Op::Sigmoid, g_.unary(Op::Tanh, a));
      return g_.unary(Op::Log, coin() ? s : g_.binary(Op::Sub, g_.constant(1), s));
    }
    default: return g_.binary(Op::Mul, g_.unary(Op::SumAll, g_.unary(Op::Sigmoid, a)), vector_expr(depth - 1));
    }
  }

  // ||diag(d) M||_F^2 with a per-sample d and a shared or per-sample M, or a two-layer
  // ||diag(d) U diag(e) W||_F^2 (the Gram-matrix rule).
  NodeId frobenius_of_row_scaling() {
    NodeId e = g_.unary(Op::Sigmoid, g_.matmul(mats_[3], any_vector()));
    Shape s = Shape::matrix(kM, kN);
    NodeId m = mats_[3];
    if (coin()) m = g_.binary(Op::Mul, m, g_.broadcast(Op::RowBroadcast, g_.unary(Op::Tanh, any_vector()), s));
    NodeId scaled = g_.binary(Op::Mul, g_.broadcast(Op::ColBroadcast, e, s), m);
    if (coin()) {
      NodeId d = g_.unary(Op::Tanh, any_vector());
      scaled = g_.binary(Op::Mul, g_.broadcast(Op::ColBroadcast, d, Shape::matrix(kN, kN)), g_.matmul(mats_[4], scaled));
    }
    return g_.unary(Op::SumAll, g_.unary(Op::Square, scaled));
  }
};

} // namespace

ir::Graph random_graph(uint64_t seed, std::vector<ir::NodeId> &params) { return RandomGraph(seed).build(params); }

eval::Bindings<double> random_graph_bindings(const ir::Graph &g, const std::vector<ir::NodeId> &params, uint64_t seed) {
  eval::Bindings<double> bind;
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 0.5);
  ir::Size width = 0;
  for (size_t i = 0; i < g.size(); ++i)
    if (g.node(static_cast<ir::NodeId>(i)).op == ir::Op::Input) width = g.node(static_cast<ir::NodeId>(i)).shape.rows();
  bind.input = eval::Mat<double>(width, 3);
  for (Eigen::Index i = 0; i < bind.input.size(); ++i) bind.input.data()[i] = normal(rng);
  for (ir::NodeId p : params) {
    const ir::Node &n = g.node(p);
    eval::Mat<double> v(n.shape.numel(), 1);
    for (Eigen::Index i = 0; i < v.size(); ++i) v.data()[i] = normal(rng);
    bind.params[n.attr.name] = v;
  }
  return bind;
}

} // namespace aec::test
