// The op table as the test generators use it: every function a program can call elementwise (the
// ops with a language name and the composites), and how to make an operand its domain accepts.
#pragma once
#include "ir/elementwise.h"

#include <string>
#include <vector>

namespace aec::test {

struct CallableFunction {
  std::string name;
  int arity;
  ir::Domain domain;
};
// In the table's order: the ops first, then the composites.
std::vector<CallableFunction> callable_elementwise_functions();

// `operand` (program text) made to lie in `domain`: tanh(a) for Moderate, 1 + a .* a for Positive.
std::string in_domain(ir::Domain domain, const std::string &operand);
// The same on a graph.
ir::NodeId in_domain(ir::Domain domain, ir::Graph &g, ir::NodeId operand);

} // namespace aec::test
