// Where a token stands, as a Span: ANTLR counts columns in characters, and so does the width.
#pragma once
#include "source/diagnostics.h"

#include <antlr4-runtime.h>

namespace aec {

inline Span token_span(const antlr4::Token *t) {
  return {static_cast<int>(t->getLine()), static_cast<int>(t->getCharPositionInLine()) + 1, std::max(1, utf8_length(t->getText()))};
}

} // namespace aec
