// The graph as text, both ways: one node a line, in topological order,
//   %7 = matmul {NT} %1, %6 : [256] batched                  @12:18
//   loss = %9
// with the op's attribute after its spelling (a param's or input's name, a constant, a GEMM's
// transpose flags, a noise draw's #id), its operands, its shape, whether it carries the batch
// axis, and where in the .ae source it came from. parse_text reads what to_text writes (and
// `;` comments), so passes can be tested on graph text alone (`aec opt`, tests/passes/).
#pragma once
#include "ir/graph.h"
#include "source/diagnostics.h"

#include <string>

namespace aec::ir {

std::string to_text(const Graph &g);
// The attribute part of a node's line (" W", " 0.5", " {NT}", " #3"), also for Graphviz labels.
std::string attr_text(const Node &n);

// The graph `source` holds. Throws CompileError at the line and column of the first problem
// (an unknown op, a wrong operand count, an operand that is not defined above, a shape that
// disagrees with the op's shape rule), with `source` attached for carets.
Graph parse_text(const SourcePtr &source);

} // namespace aec::ir
