// Rewrite rules as data: a pass made of rules is a table of them, each a function from a node
// (its operands already rewritten) to its replacement, or -1 when the rule does not apply. The
// driver sweeps the graph bottom-up, replacing each node by the first rule that applies, until a
// sweep changes nothing.
#pragma once
#include "passes/passes.h"

#include <span>

namespace aec::passes {

struct Rule {
  const char *name;
  ir::NodeId (*apply)(ir::Graph &g, const ir::Node &n, const std::vector<ir::NodeId> &in, const PassOptions &o);
};

// Sweeps until a sweep changes nothing. A rule set that keeps changing the graph for
// kMaxSweeps sweeps is a bug in its rules (two undoing each other): std::logic_error names it.
inline constexpr int kMaxSweeps = 64;
ir::Graph apply_rules(const ir::Graph &g, std::span<const Rule> rules, const PassOptions &o, const char *pass);
// One sweep; `changed` tells whether a rule applied.
ir::Graph sweep(const ir::Graph &g, std::span<const Rule> rules, const PassOptions &o, bool &changed);

// Predicates the rules share.
bool is_const(const ir::Graph &g, ir::NodeId id, double v);
bool is_scalar_const(const ir::Graph &g, ir::NodeId id);
// `id` can stand for the node `n` (same shape and batch axis).
bool same_type(const ir::Graph &g, ir::NodeId id, const ir::Node &n);
// The operand d of a row scaling diag(d) M written as col_broadcast(d) .* M, and M; or false.
bool row_scaling(const ir::Graph &g, ir::NodeId id, ir::NodeId &d, ir::NodeId &m);

} // namespace aec::passes
