// The JIT against the reference evaluator on one graph: the same params, input and noise draws
// (support/test_support.h's random_bindings), in float32.
#pragma once
#include "sema/model.h"

#include <string>
#include <vector>

namespace aec::test {

struct JitError {
  std::string output;
  double relative; // ||jit - reference|| / ||reference||
  double absolute; // ||jit - reference||
  double reference_norm;
  double float_error; // ||reference in float - reference in double||: how ill-conditioned the output is
};

// Compiles `g` (for a team of `threads`), runs it on a batch and returns every output's error
// against eval::evaluate<float> on the same graph and bindings.
std::vector<JitError> jit_errors(const Model &m, const ir::Graph &g, int batch, uint64_t seed, int threads = 1);

} // namespace aec::test
