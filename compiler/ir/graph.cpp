#include "ir/graph.h"

#include <cstring>
#include <stdexcept>

namespace aec::ir {

// The structural key of a node: everything but its span.
static std::string key_of(const Node &n) {
  std::string k;
  auto put = [&k](const void *p, size_t sz) { k.append(static_cast<const char *>(p), sz); };
  put(&n.op, sizeof n.op);
  for (NodeId i : n.in) put(&i, sizeof i);
  k += '|';
  put(&n.attr.value, sizeof n.attr.value);
  put(&n.attr.id, sizeof n.attr.id);
  char flags = static_cast<char>(n.attr.trans_a | (n.attr.trans_b << 1) | (n.batched << 2));
  k += flags;
  put(&n.shape.rank, sizeof n.shape.rank);
  put(n.shape.d, sizeof n.shape.d);
  put(&n.attr.stride, sizeof n.attr.stride);
  put(&n.attr.pad, sizeof n.attr.pad);
  k += n.attr.name;
  return k;
}

NodeId Graph::intern(Node n) {
  std::string k = key_of(n);
  auto it = index_.find(k);
  if (it != index_.end()) return it->second;
  NodeId id = static_cast<NodeId>(nodes_.size());
  nodes_.push_back(std::move(n));
  index_.emplace(std::move(k), id);
  return id;
}

NodeId Graph::leaf(Op op, Shape shape, bool batched, Attr attr, Span span) {
  if (info(op).kind != OpKind::Leaf) throw std::logic_error("leaf() of a non-leaf op");
  return intern(Node{op, {}, std::move(attr), shape, batched, span});
}

NodeId Graph::add(Op op, std::vector<NodeId> in, Attr attr, Span span) {
  if (static_cast<int>(in.size()) != info(op).arity) throw std::logic_error(std::string("wrong operand count for ") + info(op).spelling);
  Shape s = infer_shape(*this, op, in, attr);
  bool b = infer_batched(*this, op, in);
  return intern(Node{op, std::move(in), std::move(attr), s, b, span});
}

NodeId Graph::matmul(NodeId a, NodeId b, bool ta, bool tb, Span sp) {
  Attr at;
  at.trans_a = ta;
  at.trans_b = tb;
  return add(Op::MatMul, {a, b}, at, sp);
}

NodeId Graph::broadcast(Op op, NodeId a, Shape to, Span sp) {
  Attr at;
  at.shape = to;
  return add(op, {a}, at, sp);
}

NodeId Graph::output(const std::string &name) const {
  for (const Output &o : outputs)
    if (o.name == name) return o.node;
  return -1;
}

std::string Graph::size_text(Size s) const {
  if (s > 0) return std::to_string(s);
  size_t i = static_cast<size_t>(-s - 1);
  return i < symbolic_dims.size() ? symbolic_dims[i] : "?";
}

namespace {
template <class SizeText> std::string bracketed(const Shape &s, SizeText size_text) {
  std::string t = "[";
  for (int i = 0; i < s.rank; ++i) t += (i ? ", " : "") + size_text(s.d[i]);
  return t + "]";
}
} // namespace

std::string Graph::shape_text(const Shape &s) const {
  return bracketed(s, [this](Size n) { return size_text(n); });
}

std::string shape_text(const Shape &s) {
  return bracketed(s, [](Size n) { return n > 0 ? std::to_string(n) : std::string("?"); });
}

bool same_graph(const Graph &a, const Graph &b) {
  if (a.size() != b.size() || a.outputs.size() != b.outputs.size()) return false;
  for (size_t i = 0; i < a.outputs.size(); ++i)
    if (a.outputs[i].name != b.outputs[i].name || a.outputs[i].node != b.outputs[i].node) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (key_of(a.node(static_cast<NodeId>(i))) != key_of(b.node(static_cast<NodeId>(i)))) return false;
  return true;
}

} // namespace aec::ir
