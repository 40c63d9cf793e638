#include "nesting.h"
#include "AeLexer.h"
#include "ast/ast.h"
#include "token_span.h"

#include <utility>

namespace aec {
namespace {

// A token after which an operand has ended (so is a closing `||`): a following `||` closes a
// norm, a following `-` is binary, and a line break may end the statement.
bool ends_operand(const antlr4::Token *t) {
  switch (t->getType()) {
  case AeLexer::INT:
  case AeLexer::FLOAT:
  case AeLexer::ID:
  case AeLexer::PER:
  case AeLexer::SAMPLE:
  case AeLexer::FROM: return true;
  default: break;
  }
  const std::string s = t->getText();
  return s == ")" || s == "]" || s == "}" || s == "'" || s == "_1" || s == "_2" || s == "_F";
}

} // namespace

void check_nesting(const std::vector<antlr4::Token *> &tokens) {
  // One frame per open bracket or norm, each counting the unrolls begun inside it; frame 0 is
  // the statement itself.
  struct Frame {
    std::string closer;
    int unrolls = 0;
  };
  std::vector<Frame> frames = {{"", 0}};
  int depth = 0;              // frames above the statement + every frame's unrolls
  int signs = 0;              // unary minus signs in a row
  bool after_operand = false; // the previous token (not a line break) ended an operand
  for (const antlr4::Token *t : tokens) {
    const std::string s = t->getText();
    const size_t type = t->getType();
    if (type == antlr4::Token::EOF) break;
    bool opens = false;
    if (type == AeLexer::NL) {
      // A line ending an operand at the outermost level ends the statement (else it continues).
      if (frames.size() == 1 && after_operand) depth -= std::exchange(frames[0].unrolls, 0);
    } else if (s == "(" || s == "[" || s == "{" || (type == AeLexer::NORM && !after_operand)) {
      frames.push_back({s == "(" ? ")" : s == "[" ? "]" : s == "{" ? "}" : "||", 0});
      ++depth, opens = true;
    } else if (frames.size() > 1 && s == frames.back().closer) {
      depth -= 1 + frames.back().unrolls;
      frames.pop_back();
    } else if (type == AeLexer::UNROLL) {
      ++frames.back().unrolls, ++depth, opens = true;
    }
    signs = s == "-" && !after_operand ? signs + 1 : 0;
    if ((opens || signs) && depth + signs > ast::kMaxNesting) throw CompileError(token_span(t), ast::too_deep_message());
    if (type != AeLexer::NL) after_operand = ends_operand(t) || (type == AeLexer::NORM && !opens);
  }
}

} // namespace aec
