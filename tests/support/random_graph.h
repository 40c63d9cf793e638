// Random graphs for differential tests: a scalar-per-sample objective over random vector and
// matrix expressions of one input and a few params. The generator favours the shapes the
// simplification rules look for (constants 0 and 1, double negations and transposes, product
// chains, row scalings and their norms, log-sigmoids), so every rule fires on some of them.
#pragma once
#include "eval/reference.h"
#include "ir/graph.h"

#include <cstdint>
#include <vector>

namespace aec::test {

// The name of the random graphs' input node.
inline constexpr const char *kRandomGraphInput = "x";
// Builds the graph of `seed` with outputs "loss" and "objective"; `params` receives its params.
ir::Graph random_graph(uint64_t seed, std::vector<ir::NodeId> &params);
// Inputs for it: three samples and every param drawn from N(0, 0.5^2), from `seed`.
eval::Bindings<double> random_graph_bindings(const ir::Graph &g, const std::vector<ir::NodeId> &params, uint64_t seed);

} // namespace aec::test
