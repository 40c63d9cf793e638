// The reverse sweep: adjoints flow from the root to the requested nodes, contributions of
// several uses are summed, and each contribution is reduced over the axes its operand was
// broadcast along.
#include "autodiff/autodiff.h"
#include "ir/algorithms.h"

#include <unordered_map>

namespace aec::autodiff {

using ir::Graph;
using ir::NodeId;
using ir::Op;

namespace {

// Sum `v` down to the shape and batchedness of `target` (the reverse of broadcasting).
NodeId unbroadcast(Graph &g, NodeId v, NodeId target) {
  Span s = g.node(target).span;
  const ir::Shape ts = g.shape(target);
  if (g.shape(v).rank != 0 && ts.rank == 0) v = g.unary(Op::SumAll, v, s);
  if (g.shape(v).rank == 0 && ts.rank != 0) {
    ir::Attr a;
    a.shape = ts;
    v = g.add(Op::BroadcastTo, {v}, a, s);
  }
  if (g.batched(v) && !g.batched(target)) v = g.unary(Op::BatchSum, v, s);
  if (!g.batched(v) && g.batched(target)) v = g.unary(Op::BatchBroadcast, v, s);
  return v;
}

} // namespace

std::vector<NodeId> gradients(Graph &g, NodeId root, const std::vector<NodeId> &wrt) {
  std::vector<NodeId> order = ir::live_in_topological_order(g, {root});
  // Only nodes between a requested w and the root need adjoints.
  std::vector<char> needs(g.size(), 0);
  for (NodeId w : wrt) needs[static_cast<size_t>(w)] = 1;
  for (NodeId n : order)
    for (NodeId in : g.node(n).in)
      if (needs[static_cast<size_t>(in)]) needs[static_cast<size_t>(n)] = 1;

  std::unordered_map<NodeId, NodeId> adjoint;
  adjoint[root] = g.constant(1.0);
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    NodeId n = *it;
    auto found = adjoint.find(n);
    if (found == adjoint.end() || !needs[static_cast<size_t>(n)]) continue;
    NodeId ybar = found->second;
    std::vector<NodeId> inputs = g.node(n).in;
    for (size_t i = 0; i < inputs.size(); ++i) {
      NodeId in = inputs[i];
      if (!needs[static_cast<size_t>(in)]) continue;
      NodeId contrib = adjoint_rule(g, n, i, ybar);
      if (contrib < 0) continue;
      contrib = unbroadcast(g, contrib, in);
      auto prev = adjoint.find(in);
      if (prev == adjoint.end()) adjoint[in] = contrib;
      else prev->second = g.binary(Op::Add, prev->second, contrib, g.node(in).span);
    }
  }

  std::vector<NodeId> out;
  for (NodeId w : wrt) {
    auto a = adjoint.find(w);
    if (a != adjoint.end()) out.push_back(a->second);
    else out.push_back(g.leaf(Op::Const, g.shape(w), g.batched(w), {0.0}, g.node(w).span));
  }
  return out;
}

} // namespace aec::autodiff
