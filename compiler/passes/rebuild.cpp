#include "passes/rebuild.h"
#include "ir/algorithms.h"

namespace aec::passes {

ir::Graph rebuild(const ir::Graph &src, const Rewrite &rewrite) {
  ir::Graph dst;
  dst.symbolic_dims = src.symbolic_dims;
  std::vector<ir::NodeId> map(src.size(), -1);
  for (ir::NodeId id : ir::live_in_topological_order(src)) {
    const ir::Node &n = src.node(id);
    std::vector<ir::NodeId> in;
    for (ir::NodeId i : n.in) in.push_back(map[static_cast<size_t>(i)]);
    ir::NodeId out = rewrite ? rewrite(dst, n, in) : -1;
    if (out < 0) {
      out = n.in.empty() ? dst.leaf(n.op, n.shape, n.batched, n.attr, n.span) : dst.add(n.op, in, n.attr, n.span);
    }
    map[static_cast<size_t>(id)] = out;
  }
  for (const ir::Output &o : src.outputs) dst.outputs.push_back({o.name, map[static_cast<size_t>(o.node)]});
  return dst;
}

} // namespace aec::passes
