// Substitution: the graph of `root` with one node replaced, rebuilt through hash-consing.
#include "ir/algorithms.h"

#include <stdexcept>
#include <unordered_map>

namespace aec::ir {

NodeId substitute(Graph &g, NodeId root, NodeId from, NodeId to) {
  if (!(g.shape(from) == g.shape(to))) throw std::logic_error("substitute: shapes differ");
  std::unordered_map<NodeId, NodeId> image{{from, to}};
  for (NodeId n : live_in_topological_order(g, {root})) {
    if (n == from) continue;
    const Node node = g.node(n); // a copy: adding nodes may move the arena
    std::vector<NodeId> in = node.in;
    bool changed = false;
    for (NodeId &i : in)
      if (auto it = image.find(i); it != image.end()) {
        i = it->second;
        changed = true;
      }
    if (changed) image[n] = g.add(node.op, in, node.attr, node.span);
  }
  auto it = image.find(root);
  return it == image.end() ? root : it->second;
}

} // namespace aec::ir
