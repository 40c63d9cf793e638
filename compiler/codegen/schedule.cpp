#include "codegen/schedule.h"
#include "ir/algorithms.h"

#include <stdexcept>

namespace aec::codegen {

using ir::NodeId;
using ir::Op;

bool is_pointwise(Op op) {
  return ir::is_elementwise(op) || op == Op::BroadcastTo || op == Op::BatchBroadcast || op == Op::BatchSpread ||
         op == Op::ColBroadcast || op == Op::RowBroadcast;
}

static bool is_external(Op op) { return op == Op::Input || op == Op::Param || ir::is_noise(op); }

Schedule make_schedule(const ir::Graph &g) {
  std::vector<NodeId> order = ir::live_in_topological_order(g);
  auto users = ir::users_of(g, order);
  std::vector<char> is_output(g.size(), 0);
  for (const ir::Output &o : g.outputs) is_output[static_cast<size_t>(o.node)] = 1;

  Schedule s;
  s.slot.assign(g.size(), -1);
  auto give_buffer = [&](NodeId id, BufferRole role) {
    const ir::Node &n = g.node(id);
    s.slot[static_cast<size_t>(id)] = static_cast<int>(s.buffers.size());
    s.buffers.push_back({role, id, n.shape.numel(), n.batched});
  };

  for (NodeId id : order) {
    const ir::Node &n = g.node(id);
    const auto &us = users[static_cast<size_t>(id)];
    if (n.op == Op::Var) throw std::logic_error("a Jacobian's stand-in variable reached code generation");
    if (is_external(n.op)) {
      give_buffer(id, n.op == Op::Input ? BufferRole::Input : n.op == Op::Param ? BufferRole::Param : BufferRole::Noise);
      continue;
    }
    bool pointwise = is_pointwise(n.op) || n.op == Op::Const || n.op == Op::Eye;
    // A pointwise node is fused into its consumer's loop when that loop has the same shape of
    // iteration (same per-sample size and batch axis) and nobody else needs the value.
    bool fuse = false;
    if (pointwise && !is_output[static_cast<size_t>(id)] && us.size() == 1 && n.op != Op::Eye) {
      const ir::Node &u = g.node(us[0]);
      bool consumer_loops = is_pointwise(u.op) || u.op == Op::SumAll || u.op == Op::BatchSum || u.op == Op::BatchMean ||
                            u.op == Op::RowSum || u.op == Op::ColSum;
      // The loop a reduction runs is over its operand's space; a pointwise op's over its own.
      int64_t loop_numel = is_pointwise(u.op) ? u.shape.numel() : n.shape.numel();
      bool loop_batched = is_pointwise(u.op) ? u.batched : n.batched;
      fuse = consumer_loops && n.shape.numel() == loop_numel && n.batched == loop_batched;
    }
    // Scalar constants are immediates wherever they are read.
    if (n.op == Op::Const && n.shape.rank == 0 && !is_output[static_cast<size_t>(id)]) fuse = true;
    if (n.op == Op::Const && us.size() >= 1 && !is_output[static_cast<size_t>(id)]) {
      bool all_pointwise = true;
      for (NodeId u : us) all_pointwise &= is_pointwise(g.node(u).op) || g.node(u).op == Op::SumAll;
      fuse |= all_pointwise;
    }
    if (fuse) continue;

    give_buffer(id, BufferRole::Computed);
    StepKind kind = StepKind::Pointwise;
    switch (n.op) {
    case Op::SumAll: kind = StepKind::SampleSum; break;
    case Op::BatchSum:
    case Op::BatchMean: kind = StepKind::BatchReduce; break;
    case Op::RowSum:
    case Op::ColSum: kind = StepKind::AxisSum; break;
    case Op::MatMul:
    case Op::OuterSum: kind = StepKind::Gemm; break;
    case Op::Inverse: kind = StepKind::Inverse; break;
    case Op::Transpose: kind = StepKind::Transpose; break;
    default: break;
    }
    s.steps.push_back({kind, id});
  }
  for (const ir::Output &o : g.outputs) s.outputs.push_back({o.name, s.slot[static_cast<size_t>(o.node)]});
  return s;
}

} // namespace aec::codegen
