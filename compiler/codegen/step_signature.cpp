#include "codegen/step_signature.h"

#include <algorithm>
#include <cstdio>

namespace aec::codegen {

namespace {

class SignatureWriter {
public:
  SignatureWriter(const ir::Graph &g, const Schedule &s, ir::NodeId root) : g_(g), s_(s), root_(root) {}

  StepSignature write(StepKind kind) {
    sig_.key = std::to_string(static_cast<int>(kind)) + ":";
    argument(s_.slot[static_cast<size_t>(root_)]);
    node(root_);
    return std::move(sig_);
  }

private:
  const ir::Graph &g_;
  const Schedule &s_;
  ir::NodeId root_;
  StepSignature sig_;

  // The argument index of a buffer, given on its first appearance.
  void argument(int slot) {
    auto at = std::find(sig_.slots.begin(), sig_.slots.end(), slot);
    if (at == sig_.slots.end()) at = sig_.slots.insert(at, slot);
    sig_.key += "a" + std::to_string(at - sig_.slots.begin());
  }

  // A node as the emitter sees it: the root and every node without a buffer are computed from
  // their operands; any other node is a load from its buffer, addressed by its shape.
  void node(ir::NodeId id) {
    const ir::Node &n = g_.node(id);
    int slot = s_.slot[static_cast<size_t>(id)];
    sig_.key += "(";
    if (id != root_ && slot >= 0) {
      argument(slot);
    } else {
      char value[64];
      std::snprintf(value, sizeof value, "%a", n.attr.value); // exact: constants differ in any bit
      sig_.key += std::string(ir::info(n.op).spelling) + " " + value + (n.attr.trans_a ? " ta" : "") + (n.attr.trans_b ? " tb" : "") +
                  " s" + std::to_string(n.attr.stride) + " p" + std::to_string(n.attr.pad);
      for (ir::NodeId in : n.in) node(in);
    }
    sig_.key += " " + std::to_string(n.shape.rank);
    for (int i = 0; i < n.shape.rank; ++i) sig_.key += "," + std::to_string(n.shape.d[i]);
    sig_.key += n.batched ? " b)" : ")";
  }
};

} // namespace

StepSignature step_signature(const ir::Graph &g, const Schedule &s, const Step &st) {
  return SignatureWriter(g, s, st.node).write(st.kind);
}

} // namespace aec::codegen
