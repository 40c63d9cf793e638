#include "ir/algorithms.h"
#include "ir/text.h"

// Boost.Graph's edge iterators trip GCC 12's -Wmaybe-uninitialized (a false positive; clang
// has no such warning, and would warn about the unknown name).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/depth_first_search.hpp>
#include <boost/graph/graphviz.hpp>
#include <boost/graph/topological_sort.hpp>

#include <sstream>

namespace aec::ir {
namespace {

// Edges point from a node to its operands, so a DFS from the outputs reaches exactly what they
// depend on, and a topological sort of that (reversed) puts operands first.
using BGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;

BGraph to_boost(const Graph &g) {
  BGraph bg(g.size());
  for (size_t i = 0; i < g.size(); ++i)
    for (NodeId in : g.node(static_cast<NodeId>(i)).in) boost::add_edge(i, static_cast<size_t>(in), bg);
  return bg;
}

struct ReachVisitor : boost::default_dfs_visitor {
  std::vector<char> *seen;
  void discover_vertex(size_t v, const BGraph &) const { (*seen)[v] = 1; }
};

} // namespace

std::vector<NodeId> live_in_topological_order(const Graph &g, const std::vector<NodeId> &roots_in) {
  std::vector<NodeId> roots = roots_in;
  if (roots.empty())
    for (const Output &o : g.outputs) roots.push_back(o.node);
  BGraph bg = to_boost(g);
  std::vector<char> seen(g.size(), 0);
  std::vector<boost::default_color_type> color(g.size(), boost::white_color);
  ReachVisitor vis;
  vis.seen = &seen;
  for (NodeId r : roots)
    if (!seen[static_cast<size_t>(r)]) boost::depth_first_visit(bg, static_cast<size_t>(r), vis, color.data());

  // topological_sort emits a vertex after everything it points to: operands come first.
  std::vector<size_t> order;
  boost::topological_sort(bg, std::back_inserter(order));
  std::vector<NodeId> live;
  for (size_t v : order)
    if (seen[v]) live.push_back(static_cast<NodeId>(v));
  return live;
}

std::set<std::string> params_read(const Graph &g, NodeId root) {
  std::set<std::string> names;
  for (NodeId n : live_in_topological_order(g, {root}))
    if (g.node(n).op == Op::Param) names.insert(g.node(n).attr.name);
  return names;
}

std::vector<std::vector<NodeId>> users_of(const Graph &g, const std::vector<NodeId> &live) {
  std::vector<std::vector<NodeId>> users(g.size());
  for (NodeId n : live)
    for (NodeId in : g.node(n).in) users[static_cast<size_t>(in)].push_back(n);
  return users;
}

std::string to_dot(const Graph &g) {
  std::vector<NodeId> live = live_in_topological_order(g);
  std::vector<int> index(g.size(), -1);
  for (size_t i = 0; i < live.size(); ++i) index[static_cast<size_t>(live[i])] = static_cast<int>(i);
  BGraph sub(live.size());
  for (NodeId n : live)
    for (NodeId in : g.node(n).in)
      boost::add_edge(static_cast<size_t>(index[static_cast<size_t>(in)]), static_cast<size_t>(index[static_cast<size_t>(n)]), sub);
  std::vector<std::string> labels;
  for (NodeId n : live) {
    const Node &node = g.node(n);
    std::string label = "%" + std::to_string(n) + " " + info(node.op).spelling + attr_text(node) + "\\n" + g.shape_text(node.shape);
    for (const Output &o : g.outputs)
      if (o.node == n) label += "\\n=> " + o.name;
    labels.push_back(label);
  }
  std::ostringstream os;
  boost::write_graphviz(os, sub, boost::make_label_writer(labels.data()));
  return os.str();
}

} // namespace aec::ir

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
