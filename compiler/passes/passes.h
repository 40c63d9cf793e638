// The optimization passes, each a Graph -> Graph function in its own file, and the pipeline that
// runs them in order (pipeline.cpp; the driver prints the graph after any of them).
#pragma once
#include "ir/graph.h"

#include <cstdint>
#include <string>
#include <vector>

namespace aec::passes {

// What a pass may know about how the graph will run.
struct PassOptions {
  int64_t batch = 256; // samples per step: the cost model weighs per-sample products by it
};

// The algebraic passes (one rule table each, applied to a fixed point).
ir::Graph canonicalize(const ir::Graph &g, const PassOptions &o);          // canonicalize.cpp
ir::Graph stabilize(const ir::Graph &g, const PassOptions &o);             // stabilize.cpp
ir::Graph jacobian_closed_forms(const ir::Graph &g, const PassOptions &o); // jacobian_closed_forms.cpp
ir::Graph reassociate(const ir::Graph &g, const PassOptions &o);           // reassociate.cpp
// The four above, repeated in order until a round changes nothing (simplify.cpp).
ir::Graph simplify(const ir::Graph &g, const PassOptions &o = {});
// Transposes into GEMM flags; unreachable nodes removed.
ir::Graph fold_transposes(const ir::Graph &g, const PassOptions &o = {});
ir::Graph remove_dead_nodes(const ir::Graph &g, const PassOptions &o = {});

struct Pass {
  const char *name;
  ir::Graph (*run)(const ir::Graph &, const PassOptions &);
};
// The algebraic passes simplify repeats, in order.
const std::vector<Pass> &algebraic_passes();
// The pipeline, in order: simplify, fold-transposes, remove-dead-nodes.
const std::vector<Pass> &pipeline();
// Every pass by name (the algebraic ones and the pipeline's), for `aec opt --passes=...`; nullptr
// when there is none of that name.
const Pass *find_pass(const std::string &name);

// Runs the pipeline (dead nodes removed first).
ir::Graph optimize(const ir::Graph &g, const PassOptions &o = {});

// Checks the graph's invariants (operands precede users, shapes agree with the op's shape
// rule, outputs exist); throws std::logic_error naming the first violation.
void verify(const ir::Graph &g);

} // namespace aec::passes
