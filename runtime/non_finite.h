// When a training step's loss or gradient is NaN or infinite, where it came from: the batch is
// evaluated again, node by node, in the reference evaluator (in float, as the kernels compute),
// first the forward graph as the user wrote it, then its derivative; the first node whose value
// is not finite although its operands are is the origin, reported at its DSL location.
#pragma once
#include "eval/reference.h"
#include "runtime/batch_io.h"
#include "runtime/executor.h"
#include "sema/model.h"
#include "source/diagnostics.h"

#include <optional>

namespace aec::runtime {

// The batch the executor holds (input, per-sample param rows, noise draws) and the shared params.
eval::Bindings<float> batch_bindings(const Model &m, Executor &ex, const ParamStore &params, int64_t count);

// The origin as a diagnostic at the expression, or nothing when the reference evaluator finds
// every value finite (the kernels then differ from it, which is reported as such).
std::optional<Diagnostic> locate_non_finite(const Model &m, const eval::Bindings<float> &batch);

} // namespace aec::runtime
