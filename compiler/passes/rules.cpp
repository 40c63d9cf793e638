// Applying a table of rewrite rules (see rules.h), and the predicates the rules share.
#include "passes/rules.h"
#include "passes/rebuild.h"

#include <stdexcept>

namespace aec::passes {

using ir::Graph;
using ir::Node;
using ir::NodeId;
using ir::Op;

ir::Graph sweep(const ir::Graph &g, std::span<const Rule> rules, const PassOptions &o, bool &changed) {
  changed = false;
  return rebuild(g, [&](Graph &dst, const Node &n, const std::vector<NodeId> &in) -> NodeId {
    for (const Rule &r : rules) {
      NodeId out = r.apply(dst, n, in, o);
      if (out >= 0) {
        changed = true;
        return out;
      }
    }
    return -1;
  });
}

ir::Graph apply_rules(const ir::Graph &g, std::span<const Rule> rules, const PassOptions &o, const char *pass) {
  ir::Graph cur = g;
  for (int round = 0; round < kMaxSweeps; ++round) {
    bool changed = false;
    cur = sweep(cur, rules, o, changed);
    if (!changed) return cur;
  }
  throw std::logic_error(std::string("pass ") + pass + " did not reach a fixed point in " + std::to_string(kMaxSweeps) + " sweeps");
}

bool is_const(const Graph &g, NodeId id, double v) {
  const Node &n = g.node(id);
  return n.op == Op::Const && n.attr.value == v;
}

bool is_scalar_const(const Graph &g, NodeId id) { return g.node(id).op == Op::Const && g.shape(id).rank == 0; }

bool same_type(const Graph &g, NodeId id, const Node &n) { return g.shape(id) == n.shape && g.batched(id) == n.batched; }

bool row_scaling(const Graph &g, NodeId id, NodeId &d, NodeId &m) {
  const Node &n = g.node(id);
  if (n.op != Op::Mul || n.shape.rank != 2) return false;
  for (int side = 0; side < 2; ++side) {
    const Node &b = g.node(n.in[side]);
    if (b.op == Op::ColBroadcast && g.shape(n.in[1 - side]) == n.shape) {
      d = b.in[0];
      m = n.in[1 - side];
      return true;
    }
  }
  return false;
}

} // namespace aec::passes
