// Numerical stabilization: forms that overflow or lose every digit in float32 are replaced by
// equal ones that stay finite (log(sigmoid(a)) by -softplus(-a)).
#include "passes/rules.h"

namespace aec::passes {

using ir::Graph;
using ir::Node;
using ir::NodeId;
using ir::Op;

namespace {

// log(sigmoid(a)) = -softplus(-a) and log(1 - sigmoid(a)) = -softplus(a): finite for every
// logit a, where the literal forms give log(0) = -inf once sigmoid saturates.
NodeId stable_log_sigmoid(Graph &g, const Node &n, const std::vector<NodeId> &in, const PassOptions &) {
  if (n.op != Op::Log) return -1;
  const Node arg = g.node(in[0]);
  if (arg.op == Op::Sigmoid) return g.unary(Op::Neg, g.unary(Op::Softplus, g.unary(Op::Neg, arg.in[0], n.span), n.span), n.span);
  if (arg.op == Op::Sub && is_const(g, arg.in[0], 1) && g.shape(arg.in[0]).rank == 0 && g.node(arg.in[1]).op == Op::Sigmoid)
    return g.unary(Op::Neg, g.unary(Op::Softplus, g.node(arg.in[1]).in[0], n.span), n.span);
  return -1;
}

const Rule kRules[] = {
    {"stable-log-sigmoid", stable_log_sigmoid},
};

} // namespace

ir::Graph stabilize(const ir::Graph &g, const PassOptions &o) { return apply_rules(g, kRules, o, "stabilize"); }

} // namespace aec::passes
