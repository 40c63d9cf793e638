// Decides how a graph runs: which nodes get a buffer, which are fused into the loop of their
// single consumer (expression-tree fusion of elementwise chains and their reductions), and the
// order of the kernels.
#pragma once
#include "ir/graph.h"

#include <string>
#include <vector>

namespace aec::codegen {

enum class BufferRole { Input, Param, Noise, Computed };

struct Buffer {
  BufferRole role;
  ir::NodeId node;
  int64_t numel;  // per sample
  bool batched;   // then numel x batch floats, one sample after another
};

enum class StepKind {
  Pointwise,   // out[b, i] = fused expression tree
  SampleSum,   // out[b] = sum_i tree[b, i]
  BatchReduce, // out[i] = sum_b tree[b, i] (BatchSum), or its mean (BatchMean)
  AxisSum,     // RowSum / ColSum of a per-sample matrix: out[b, r] = sum_c tree[b, r, c] or the reverse
  Gemm,        // MatMul or OuterSum through the runtime's GEMM (one call for a shared left
               // operand, one per sample otherwise)
  Inverse,     // matrix inverses through the runtime
  Transpose,   // a materialized per-sample transpose
};

struct Step {
  StepKind kind;
  ir::NodeId node;
};

struct Schedule {
  std::vector<Buffer> buffers;
  std::vector<int> slot;             // by node id: its buffer's index, or -1 when fused/inlined
  std::vector<Step> steps;
  std::vector<std::pair<std::string, int>> outputs; // output name -> slot
};

// Throws CompileError (at the node's source span) for graphs this backend cannot run yet.
Schedule make_schedule(const ir::Graph &g);

// True for ops computed element by element inside a fused loop.
bool is_pointwise(ir::Op op);

} // namespace aec::codegen
