#include "codegen/schedule.h"
#include "ir/algorithms.h"

#include <algorithm>
#include <set>
#include <stdexcept>

namespace aec::codegen {

using ir::NodeId;
using ir::Op;

bool is_pointwise(Op op) {
  switch (op) {
  case Op::BroadcastTo:
  case Op::BatchBroadcast:
  case Op::BatchSpread:
  case Op::ColBroadcast:
  case Op::RowBroadcast:
  case Op::Reshape:
  case Op::ChannelBroadcast:
  case Op::MaxPoolAt:
  case Op::MaxUnpool:
  case Op::AvgPool:
  case Op::Upsample: return true;
  default: return ir::is_elementwise(op);
  }
}

static bool is_external(Op op) { return op == Op::Input || op == Op::Param || ir::is_noise(op); }

namespace {

// The buffers a fused expression tree reads.
void collect_reads(const ir::Graph &g, const Schedule &s, NodeId n, std::set<int> &out) {
  for (NodeId in : g.node(n).in) {
    int slot = s.slot[static_cast<size_t>(in)];
    if (slot >= 0) out.insert(slot);
    else collect_reads(g, s, in, out);
  }
}

// Greedy planning over the step order: a step's output takes the smallest free block that fits
// (of its kind: per-sample or shared), growing one if none does; the blocks of buffers read for
// the last time are freed after the step, so a step never reads and writes one block.
void plan_memory(const ir::Graph &g, Schedule &s, const std::vector<char> &is_output) {
  std::vector<int> last_read(s.buffers.size(), -1);
  for (size_t k = 0; k < s.steps.size(); ++k)
    for (int slot : step_reads(g, s, s.steps[k])) last_read[static_cast<size_t>(slot)] = static_cast<int>(k);
  std::vector<int> free_blocks;
  for (size_t k = 0; k < s.steps.size(); ++k) {
    int slot = s.slot[static_cast<size_t>(s.steps[k].node)];
    Buffer &b = s.buffers[static_cast<size_t>(slot)];
    if (b.role == BufferRole::Computed && !is_output[static_cast<size_t>(b.node)]) {
      // The smallest free block that fits, else the largest free one (which grows).
      auto size = [&](int f) { return s.blocks[static_cast<size_t>(free_blocks[static_cast<size_t>(f)])].numel; };
      auto better = [&](int f, int than) {
        bool fits = size(f) >= b.numel, than_fits = size(than) >= b.numel;
        if (fits != than_fits) return fits;
        return fits ? size(f) < size(than) : size(f) > size(than);
      };
      int best = -1;
      for (int f = 0; f < static_cast<int>(free_blocks.size()); ++f)
        if (s.blocks[static_cast<size_t>(free_blocks[static_cast<size_t>(f)])].batched == b.batched && (best < 0 || better(f, best)))
          best = f;
      if (best >= 0) {
        b.block = free_blocks[static_cast<size_t>(best)];
        free_blocks.erase(free_blocks.begin() + best);
        Block &blk = s.blocks[static_cast<size_t>(b.block)];
        blk.numel = std::max(blk.numel, b.numel);
      } else {
        b.block = static_cast<int>(s.blocks.size());
        s.blocks.push_back({b.numel, b.batched});
      }
    }
    for (int read : step_reads(g, s, s.steps[k]))
      if (last_read[static_cast<size_t>(read)] == static_cast<int>(k) && s.buffers[static_cast<size_t>(read)].block >= 0)
        free_blocks.push_back(s.buffers[static_cast<size_t>(read)].block);
    // An output nobody reads afterwards frees nothing; a buffer never read frees at once.
    if (b.block >= 0 && last_read[static_cast<size_t>(slot)] < 0) free_blocks.push_back(b.block);
  }
}

} // namespace

std::vector<int> step_reads(const ir::Graph &g, const Schedule &s, const Step &st) {
  const ir::Node &n = g.node(st.node);
  std::set<int> reads;
  if (st.kind == StepKind::Gemm || st.kind == StepKind::Transpose || st.kind == StepKind::Inverse || st.kind == StepKind::Conv) {
    for (NodeId in : n.in) reads.insert(s.slot[static_cast<size_t>(in)]);
  } else if (st.kind == StepKind::GemmSum) {
    for (NodeId product : n.in)
      for (NodeId in : g.node(product).in) reads.insert(s.slot[static_cast<size_t>(in)]);
  } else if (ir::info(n.op).kind == ir::OpKind::Leaf) {
    reads.insert(s.slot[static_cast<size_t>(st.node)]); // an output that is a leaf: a copy of itself
  } else {
    collect_reads(g, s, st.node, reads);
  }
  return {reads.begin(), reads.end()};
}

int64_t Schedule::workspace_floats(int64_t batch) const {
  int64_t total = 0;
  for (const Block &b : blocks) total += b.numel * (b.batched ? batch : 1);
  return total;
}

int64_t Schedule::unplanned_floats(int64_t batch) const {
  int64_t total = 0;
  for (const Buffer &b : buffers)
    if (b.block >= 0) total += b.numel * (b.batched ? batch : 1);
  return total;
}

namespace {
// A product that can run as one plain GEMM (a shared left operand) into a shared result.
bool plain_gemm(const ir::Graph &g, NodeId id) {
  const ir::Node &n = g.node(id);
  if (n.op == Op::OuterSum) return true;
  return n.op == Op::MatMul && !n.batched;
}
} // namespace

Schedule make_schedule(const ir::Graph &g) {
  std::vector<NodeId> order = ir::live_in_topological_order(g);
  auto users = ir::users_of(g, order);
  std::vector<char> is_output(g.size(), 0);
  for (const ir::Output &o : g.outputs) is_output[static_cast<size_t>(o.node)] = 1;
  // Sums of two products that nothing else reads: the products accumulate into the sum's buffer.
  std::vector<char> accumulated(g.size(), 0), gemm_sum(g.size(), 0);
  for (NodeId id : order) {
    const ir::Node &n = g.node(id);
    if (n.op != Op::Add || n.in[0] == n.in[1]) continue;
    bool ok = true;
    for (NodeId in : n.in)
      ok &= plain_gemm(g, in) && g.shape(in) == n.shape && !is_output[static_cast<size_t>(in)] &&
            users[static_cast<size_t>(in)].size() == 1 && !accumulated[static_cast<size_t>(in)];
    if (!ok) continue;
    gemm_sum[static_cast<size_t>(id)] = 1;
    for (NodeId in : n.in) accumulated[static_cast<size_t>(in)] = 1;
  }

  Schedule s;
  s.slot.assign(g.size(), -1);
  auto give_buffer = [&](NodeId id, BufferRole role) {
    const ir::Node &n = g.node(id);
    s.slot[static_cast<size_t>(id)] = static_cast<int>(s.buffers.size());
    s.buffers.push_back({role, id, n.shape.numel(), n.batched});
  };

  // How deep the fused tree below each node is (0 for a node with a buffer of its own): code
  // generation walks these trees recursively, and a named chain of values (a1 = a0 + x, a2 =
  // a1 + x, ...) can be 100000 operations deep, so a tree stops growing at kMaxFusedDepth and
  // the node there gets a buffer.
  constexpr int kMaxFusedDepth = 64;
  std::vector<int> fused_depth(g.size(), 0);

  for (NodeId id : order) {
    const ir::Node &n = g.node(id);
    const auto &us = users[static_cast<size_t>(id)];
    if (n.op == Op::Var) throw std::logic_error("a Jacobian's stand-in variable reached code generation");
    if (accumulated[static_cast<size_t>(id)]) continue; // computed by its sum's GemmSum step
    if (is_external(n.op)) {
      give_buffer(id, n.op == Op::Input ? BufferRole::Input : n.op == Op::Param ? BufferRole::Param : BufferRole::Noise);
      continue;
    }
    bool pointwise = is_pointwise(n.op) || n.op == Op::Const || n.op == Op::Eye;
    // A pointwise node is fused into its consumer's loop when that loop has the same shape of
    // iteration (same per-sample size and batch axis) and nobody else needs the value.
    bool fuse = false;
    if (pointwise && !gemm_sum[static_cast<size_t>(id)] && !is_output[static_cast<size_t>(id)] && us.size() == 1 && n.op != Op::Eye) {
      const ir::Node &u = g.node(us[0]);
      bool consumer_loops = is_pointwise(u.op) || ir::info(u.op).kind == ir::OpKind::Reduce || u.op == Op::BatchSum ||
                            u.op == Op::BatchMean || u.op == Op::RowSum || u.op == Op::ColSum || u.op == Op::ChannelSum;
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
    int depth = 1;
    for (NodeId in : n.in) depth = std::max(depth, 1 + fused_depth[static_cast<size_t>(in)]);
    if (fuse && depth <= kMaxFusedDepth) {
      fused_depth[static_cast<size_t>(id)] = depth;
      continue;
    }

    give_buffer(id, BufferRole::Computed);
    StepKind kind = gemm_sum[static_cast<size_t>(id)] ? StepKind::GemmSum : StepKind::Pointwise;
    if (kind != StepKind::GemmSum) switch (n.op) {
      case Op::SumAll:
      case Op::LogSumExp:
      case Op::ArgMax: kind = StepKind::SampleSum; break;
      case Op::BatchSum:
      case Op::BatchMean: kind = StepKind::BatchReduce; break;
      case Op::RowSum:
      case Op::ColSum:
      case Op::ChannelSum: kind = StepKind::AxisSum; break;
      case Op::Conv:
      case Op::ConvT:
      case Op::ConvFilter: kind = StepKind::Conv; break;
      case Op::MatMul:
      case Op::OuterSum: kind = StepKind::Gemm; break;
      case Op::Inverse: kind = StepKind::Inverse; break;
      case Op::Transpose: kind = StepKind::Transpose; break;
      default: break;
      }
    s.steps.push_back({kind, id});
  }
  for (const ir::Output &o : g.outputs) s.outputs.push_back({o.name, s.slot[static_cast<size_t>(o.node)]});
  plan_memory(g, s, is_output);
  return s;
}

} // namespace aec::codegen
