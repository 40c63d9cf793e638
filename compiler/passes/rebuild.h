// The one way passes make a new graph: copy the live part of `src` node by node, in
// topological order, letting `rewrite` replace any node. Outputs follow their nodes.
#pragma once
#include "ir/graph.h"

#include <functional>

namespace aec::passes {

// Given a source node and its operands already mapped into `dst`, return the replacement id in
// `dst`, or -1 to copy the node unchanged.
using Rewrite = std::function<ir::NodeId(ir::Graph &dst, const ir::Node &n, const std::vector<ir::NodeId> &in)>;

ir::Graph rebuild(const ir::Graph &src, const Rewrite &rewrite);

} // namespace aec::passes
