// Transposes feeding a product become the GEMM's transpose flags, so W' is never
// materialized: matmul(transpose(A), B) = matmul{T.}(A, B). Matrix transposes that nothing
// else reads die with the next dead-node removal.
#include "passes/passes.h"
#include "passes/rebuild.h"

namespace aec::passes {

ir::Graph fold_transposes(const ir::Graph &g, const PassOptions &) {
  return rebuild(g, [](ir::Graph &dst, const ir::Node &n, const std::vector<ir::NodeId> &in) -> ir::NodeId {
    if (n.op != ir::Op::MatMul) return -1;
    ir::NodeId a = in[0], b = in[1];
    bool ta = n.attr.trans_a, tb = n.attr.trans_b;
    // (A')' = A inside a product as well
    if (dst.node(a).op == ir::Op::Transpose) {
      a = dst.node(a).in[0];
      ta = !ta;
    }
    if (dst.node(b).op == ir::Op::Transpose) {
      b = dst.node(b).in[0];
      tb = !tb;
    }
    if (a == in[0] && b == in[1]) return -1;
    return dst.matmul(a, b, ta, tb, n.span);
  });
}

} // namespace aec::passes
