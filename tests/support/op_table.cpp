// See op_table.h.
#include "support/op_table.h"

namespace aec::test {

std::vector<CallableFunction> callable_elementwise_functions() {
  std::vector<CallableFunction> list;
  for (const ir::ElementwiseOp &op : ir::elementwise_ops())
    if (op.language) list.push_back({op.language, op.arity, op.domain});
  for (const ir::Composite &c : ir::composites()) list.push_back({c.language, c.arity, c.domain});
  return list;
}

std::string in_domain(ir::Domain domain, const std::string &operand) {
  switch (domain) {
  case ir::Domain::Real: return operand;
  case ir::Domain::Moderate: return "tanh(" + operand + ")";
  case ir::Domain::Positive: return "(1 + " + operand + " .* " + operand + ")";
  }
  return operand;
}

ir::NodeId in_domain(ir::Domain domain, ir::Graph &g, ir::NodeId operand) {
  switch (domain) {
  case ir::Domain::Real: return operand;
  case ir::Domain::Moderate: return g.unary(ir::Op::Tanh, operand);
  case ir::Domain::Positive: return g.binary(ir::Op::Add, g.constant(1), g.unary(ir::Op::Square, operand));
  }
  return operand;
}

} // namespace aec::test
