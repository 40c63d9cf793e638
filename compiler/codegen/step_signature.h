// What a loop step computes, apart from which buffers it computes it on. Two steps with the same
// signature are one function of their buffers, so one compiled kernel serves both: an encoder
// unrolled T times has the same few loops in every step, and compiles them once, not T times.
#pragma once
#include "codegen/schedule.h"

#include <string>
#include <vector>

namespace aec::codegen {

struct StepSignature {
  // The step's kind and its fused expression tree: ops, constants, shapes, and for each buffer
  // read, which argument it is. Equal keys mean equal kernels.
  std::string key;
  // The step's buffers in argument order: the one it writes first, then those it reads, in the
  // order the tree first reads them.
  std::vector<int> slots;
};

// For loop steps (Pointwise, SampleSum, BatchReduce, AxisSum); the runtime-call steps (GEMMs,
// transposes, inverses) are not compiled into kernels of their own.
StepSignature step_signature(const ir::Graph &g, const Schedule &s, const Step &st);

} // namespace aec::codegen
