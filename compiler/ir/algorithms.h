// Graph algorithms on the IR, done with Boost.Graph: the live nodes in topological order,
// the users of every node, and Graphviz output.
#pragma once
#include "ir/graph.h"
#include "ir/text.h" // to_text, which most users of these algorithms also want

#include <set>
#include <string>
#include <vector>

namespace aec::ir {

// Nodes reachable from the graph's outputs (or from `roots` when given), inputs before users.
std::vector<NodeId> live_in_topological_order(const Graph &g, const std::vector<NodeId> &roots = {});

// The names of the params that `root` reads, directly or through other nodes.
std::set<std::string> params_read(const Graph &g, NodeId root);

// users[n] lists the live nodes that read n (once per operand slot).
std::vector<std::vector<NodeId>> users_of(const Graph &g, const std::vector<NodeId> &live);

// `root` with every use of the node `from` replaced by `to` (same shape): the nodes between them
// are rebuilt, everything else is shared.
NodeId substitute(Graph &g, NodeId root, NodeId from, NodeId to);

// The live graph in Graphviz's dot language.
std::string to_dot(const Graph &g);

} // namespace aec::ir
