// What the user wrote where a node came from, for messages and reports about nodes.
#pragma once
#include "ir/graph.h"
#include "sema/model.h"

#include <string>

namespace aec::runtime {

// The program's text at `span` ("exp", "sqrt(...)"), or the op's name where the node has no
// source (made by the compiler).
std::string source_text(const Model &m, const Span &span, ir::Op op);

} // namespace aec::runtime
