// The pass pipeline, and the verifier tests run after every pass.
#include "passes/passes.h"

#include <stdexcept>

namespace aec::passes {

const std::vector<Pass> &pipeline() {
  static const std::vector<Pass> passes = {
      {"simplify", simplify},
      {"fold-transposes", fold_transposes},
      {"remove-dead-nodes", remove_dead_nodes},
  };
  return passes;
}

const Pass *find_pass(const std::string &name) {
  for (const std::vector<Pass> *list : {&algebraic_passes(), &pipeline()})
    for (const Pass &p : *list)
      if (name == p.name) return &p;
  return nullptr;
}

ir::Graph optimize(const ir::Graph &g, const PassOptions &o) {
  ir::Graph cur = remove_dead_nodes(g, o);
  for (const Pass &p : pipeline()) cur = p.run(cur, o);
  return cur;
}

void verify(const ir::Graph &g) {
  for (size_t i = 0; i < g.size(); ++i) {
    const ir::Node &n = g.node(static_cast<ir::NodeId>(i));
    if (static_cast<int>(n.in.size()) != ir::info(n.op).arity)
      throw std::logic_error("verify: %" + std::to_string(i) + " has the wrong number of operands");
    for (ir::NodeId in : n.in)
      if (in < 0 || static_cast<size_t>(in) >= i)
        throw std::logic_error("verify: %" + std::to_string(i) + " reads a node that does not precede it");
    if (!n.in.empty()) {
      ir::Shape s = ir::infer_shape(g, n.op, n.in, n.attr);
      if (!(s == n.shape) || ir::infer_batched(g, n.op, n.in) != n.batched)
        throw std::logic_error("verify: %" + std::to_string(i) + " disagrees with its shape rule");
    }
  }
  for (const ir::Output &o : g.outputs)
    if (o.node < 0 || static_cast<size_t>(o.node) >= g.size()) throw std::logic_error("verify: output " + o.name + " names no node");
}

} // namespace aec::passes
