// Syntax errors in the project's words. ANTLR's messages name grammar tokens ("extraneous input
// 'x' expecting {INT, ID, NL}"); these say what a user sees ("unexpected 'x'; expected an
// integer or a name"), and a mistake found at the end of the file is shown where the last
// token ended, not on the empty line after it. Two operands side by side in an expression
// (`tanh(W x)`) get a hint that a product is written with '*'.
#pragma once
#include "source/diagnostics.h"

#include <antlr4-runtime.h>
#include <string>
#include <vector>

namespace aec {

class SyntaxErrorListener : public antlr4::BaseErrorListener {
public:
  std::vector<Diagnostic> diags;
  void syntaxError(antlr4::Recognizer *recognizer, antlr4::Token *offending, size_t line, size_t col, const std::string &msg,
                   std::exception_ptr) override;
};

// ANTLR's message rewritten; `offending` is the text of the token the parser stopped at (empty
// for a lexer error).
std::string plain_syntax_message(const std::string &antlr_message, const std::string &offending);

} // namespace aec
