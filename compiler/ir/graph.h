// The IR: immutable, hash-consed nodes in a Graph. Building the same node twice returns the same
// id, so common subexpressions are shared by construction and equality is identity.
#pragma once
#include "source/diagnostics.h"

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace aec::ir {

enum class Op : uint8_t {
#define OP(name, spelling, arity, kind) name,
#include "ir/ops.def"
#undef OP
};
enum class OpKind : uint8_t { Leaf, Unary, Binary, Reduce, Batch, Linalg, Layout, Image };

struct OpInfo {
  const char *spelling;
  int arity;
  OpKind kind;
};
inline constexpr OpInfo kOpTable[] = {
#define OP(name, spelling, arity, kind) {spelling, arity, OpKind::kind},
#include "ir/ops.def"
#undef OP
};
constexpr const OpInfo &info(Op op) { return kOpTable[static_cast<size_t>(op)]; }
constexpr bool is_elementwise(Op op) { return info(op).kind == OpKind::Unary || info(op).kind == OpKind::Binary; }
constexpr bool is_noise(Op op) { return op == Op::RandN || op == Op::RandU || op == Op::Bernoulli; }

// A size is a positive integer, or a negative id naming a dim not bound yet (`aec check`
// without data): -1 is the graph's first symbolic dim, and so on.
using Size = int64_t;

// Per-sample shape: rank 0 (scalar), 1 (vector [d0]), 2 (matrix [d0, d1], column-major), 3 (image
// [c, h, w], row-major: channel by channel, each row by row, as NCHW frameworks store it) or 4
// (filter bank [o, c, kh, kw], row-major). rows() and cols() are a matrix's view: a vector is one
// column; an image or filter bank is not a matrix and is never viewed as one.
struct Shape {
  static constexpr int kMaxRank = 4;
  int rank = 0;
  Size d[kMaxRank] = {1, 1, 1, 1};
  static Shape scalar() { return {}; }
  static Shape vector(Size n) { return {1, {n, 1, 1, 1}}; }
  static Shape matrix(Size m, Size n) { return {2, {m, n, 1, 1}}; }
  static Shape image(Size c, Size h, Size w) { return {3, {c, h, w, 1}}; }
  static Shape filters(Size o, Size c, Size kh, Size kw) { return {4, {o, c, kh, kw}}; }
  Size rows() const { return rank >= 1 ? d[0] : 1; }
  Size cols() const { return rank == 2 ? d[1] : 1; }
  bool is_image() const { return rank == 3; }
  bool concrete() const {
    for (int i = 0; i < rank; ++i)
      if (d[i] <= 0) return false;
    return true;
  }
  int64_t numel() const { // saturates: a declared shape may be far too large before its check says so
    int64_t n = 1;
    for (int i = 0; i < rank; ++i)
      if (__builtin_mul_overflow(n, d[i], &n)) return INT64_MAX;
    return n;
  }
  bool operator==(const Shape &o) const {
    if (rank != o.rank) return false;
    for (int i = 0; i < rank; ++i)
      if (d[i] != o.d[i]) return false;
    return true;
  }
};

// "[]", "[n]", "[m, n]", "[c, h, w]" or "[o, c, kh, kw]" for a shape of concrete sizes (a symbolic one shows as "?": a graph's
// shape_text names it).
std::string shape_text(const Shape &s);

using NodeId = int32_t;

// Attributes of a node; which fields an op uses is stated in ops.def.
struct Attr {
  double value = 0;                      // Const fill, Bernoulli p, PowC exponent
  int64_t id = 0;                        // noise: the draw it is (two randn(D) in the source are two draws)
  bool trans_a = false, trans_b = false; // MatMul
  std::string name;                      // Input, Param
  Shape shape;                           // the target shape of broadcasts, reshapes, conv_t, upsample
                                         // and conv_filter: the node's own shape
  int64_t stride = 1, pad = 0;           // conv ops; pools and upsample: the window (stride) k
};

struct Node {
  Op op;
  std::vector<NodeId> in;
  Attr attr;
  Shape shape;
  bool batched = false; // varies from sample to sample (carries the implicit batch axis)
  Span span;            // where in the .ae source it came from (the first writer's)
};

struct Output {
  std::string name; // "loss", "grad.W", "out.code"
  NodeId node;
};

class Graph {
public:
  // A leaf: its shape and batchedness are given.
  NodeId leaf(Op op, Shape shape, bool batched, Attr attr = {}, Span span = {});
  // An inner node: shape and batchedness are inferred by the op's shape rule. Operands must
  // already be valid for the op (the elaborator reports user errors before calling this).
  NodeId add(Op op, std::vector<NodeId> in, Attr attr = {}, Span span = {});

  const Node &node(NodeId id) const { return nodes_[static_cast<size_t>(id)]; }
  size_t size() const { return nodes_.size(); }
  const Shape &shape(NodeId id) const { return node(id).shape; }
  bool batched(NodeId id) const { return node(id).batched; }

  // Convenience builders used by autodiff and passes.
  NodeId constant(double v, Shape s = Shape::scalar()) { return leaf(Op::Const, s, false, {v}); }
  NodeId unary(Op op, NodeId a, Span sp = {}) { return add(op, {a}, {}, sp); }
  NodeId binary(Op op, NodeId a, NodeId b, Span sp = {}) { return add(op, {a, b}, {}, sp); }
  NodeId matmul(NodeId a, NodeId b, bool ta = false, bool tb = false, Span sp = {});
  // BroadcastTo, ColBroadcast or RowBroadcast of `a` to the shape `to`.
  NodeId broadcast(Op op, NodeId a, Shape to, Span sp = {});

  std::vector<Output> outputs;
  std::vector<std::string> symbolic_dims; // names of the dims behind negative sizes

  NodeId output(const std::string &name) const; // -1 when absent
  std::string size_text(Size s) const;
  std::string shape_text(const Shape &s) const;

private:
  NodeId intern(Node n);
  std::vector<Node> nodes_;
  std::unordered_map<std::string, NodeId> index_;
};

// The same nodes in the same order with the same outputs (spans aside): a pass changed nothing.
bool same_graph(const Graph &a, const Graph &b);

Shape infer_shape(const Graph &g, Op op, const std::vector<NodeId> &in, const Attr &attr);
bool infer_batched(const Graph &g, Op op, const std::vector<NodeId> &in);

} // namespace aec::ir
