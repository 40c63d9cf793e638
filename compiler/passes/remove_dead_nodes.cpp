// Dead-node removal: keeps only what the outputs depend on (reachability by Boost.Graph in
// rebuild), and renumbers the rest densely.
#include "passes/passes.h"
#include "passes/rebuild.h"

namespace aec::passes {

ir::Graph remove_dead_nodes(const ir::Graph &g, const PassOptions &) { return rebuild(g, nullptr); }

} // namespace aec::passes
