// Every optimization pass is a Graph -> Graph function in its own file; pipeline.cpp runs them
// in order and can print the graph after any of them.
#pragma once
#include "ir/graph.h"

#include <ostream>
#include <string>
#include <vector>

namespace aec::passes {

ir::Graph remove_dead_nodes(const ir::Graph &g);
ir::Graph fold_transposes(const ir::Graph &g);
// The algebraic rule table (simplify.cpp), to a fixed point.
ir::Graph simplify(const ir::Graph &g);

struct Pass {
  const char *name;
  ir::Graph (*run)(const ir::Graph &);
};
// The pipeline, in order.
const std::vector<Pass> &pipeline();

// Runs the pipeline. With `print_after` naming a pass, writes the graph after it to `trace`.
ir::Graph optimize(const ir::Graph &g, const std::string &print_after = "", std::ostream *trace = nullptr);

// Checks the graph's invariants (operands precede users, shapes agree with the op's shape
// rule, outputs exist); throws std::logic_error naming the first violation.
void verify(const ir::Graph &g);

} // namespace aec::passes
