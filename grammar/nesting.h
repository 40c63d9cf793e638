// The parser recurses once per bracket, norm, unroll and unary sign it is inside of: before it
// runs, the tokens are read in a loop and input nested deeper than ast::kMaxNesting is refused at
// the token that goes past it, so that no input can overflow the parser's stack.
#pragma once
#include <antlr4-runtime.h>

namespace aec {

// Throws a CompileError at the first token nested deeper than ast::kMaxNesting.
void check_nesting(const std::vector<antlr4::Token *> &tokens);

} // namespace aec
