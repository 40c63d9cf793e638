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
  int block = -1; // Computed buffers: the workspace block it lives in (see plan_memory)
};

// A piece of workspace shared by computed buffers whose lifetimes do not overlap.
struct Block {
  int64_t numel; // per sample (times the batch when batched)
  bool batched;
};

enum class StepKind {
  Pointwise,   // out[b, i] = fused expression tree
  SampleSum,   // out[b] = sum_i tree[b, i], or another reduction of the sample (logsumexp, argmax)
  BatchReduce, // out[i] = sum_b tree[b, i] (BatchSum), or its mean (BatchMean)
  AxisSum,     // RowSum / ColSum of a per-sample matrix: out[b, r] = sum_c tree[b, r, c] or the reverse;
               // ChannelSum of an image (the column sums of its [h w, c] column-major view)
  Gemm,        // MatMul or OuterSum through the runtime's GEMM (one call for a shared left
               // operand, one per sample otherwise)
  Inverse,     // matrix inverses through the runtime
  GemmSum,     // P1 + P2 of two products: both GEMMs into one buffer (the second with beta = 1),
               // as a tied weight's gradient contributions accumulate
  Transpose,   // a materialized per-sample transpose
  Conv,        // conv, conv_t or conv_filter through the runtime (lowered to GEMMs there)
};

struct Step {
  StepKind kind;
  ir::NodeId node;
};

struct Schedule {
  std::vector<Buffer> buffers;
  std::vector<int> slot; // by node id: its buffer's index, or -1 when fused/inlined
  std::vector<Step> steps;
  std::vector<std::pair<std::string, int>> outputs; // output name -> slot
  std::vector<Block> blocks;                        // the planned workspace

  // Floats of workspace at a batch size: the planned blocks, and what one buffer per computed
  // node would take.
  int64_t workspace_floats(int64_t batch) const;
  int64_t unplanned_floats(int64_t batch) const;
};

// The buffers (slots) a step reads: its operands' buffers, through its fused expression tree.
std::vector<int> step_reads(const ir::Graph &g, const Schedule &s, const Step &st);

// Throws CompileError (at the node's source span) for graphs this backend cannot run yet.
// Computed buffers that are not outputs share workspace blocks by liveness: a buffer's block is
// free again after the last step that reads it, and never shared within one step.
Schedule make_schedule(const ir::Graph &g);

// True for ops computed element by element inside a fused loop (elementwise ops, broadcasts, and the
// image ops that gather each output element from a window of their operand: pooling, upsample).
bool is_pointwise(ir::Op op);

} // namespace aec::codegen
