// Symbolic reverse-mode differentiation. The gradient is built from the IR's own ops into the
// same graph, so it can be optimized, compiled, or differentiated again.
#pragma once
#include "ir/graph.h"

#include <vector>

namespace aec::autodiff {

// Adds to `g` the nodes computing d(root)/d(w) for every w in `wrt` and returns them, in order.
// `root` is an unbatched scalar (the mean loss). A w the root does not depend on gets zeros.
// Every use of a w contributes; uses are summed (tied weights: W and W' in one model).
std::vector<ir::NodeId> gradients(ir::Graph &g, ir::NodeId root, const std::vector<ir::NodeId> &wrt);

// The per-op rule: the contribution to operand `i` of node `n` given the upstream adjoint
// `ybar` (shaped like n). Returns -1 when the operand gets nothing (a zero derivative).
// The result may still need summing over broadcast axes; gradients() does that.
ir::NodeId adjoint_rule(ir::Graph &g, ir::NodeId n, size_t i, ir::NodeId ybar);

// The Jacobian d(of)/d(wrt) by forward mode, as nodes of `g` (so it can be normed, multiplied and
// differentiated again). `wrt` is usually a Var leaf standing for the point (see ir::substitute).
// Shapes: for a vector wrt [n], a vector `of` [m] gives [m, n] and a scalar `of` gives [n]; for a
// scalar wrt, the result is shaped like `of`. Values in between must be vectors or scalars when
// wrt is a vector; anything else is a CompileError at the node's span.
ir::NodeId jacobian(ir::Graph &g, ir::NodeId of, ir::NodeId wrt);

} // namespace aec::autodiff
