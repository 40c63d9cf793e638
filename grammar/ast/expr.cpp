// What every expression tree needs whatever its depth: its nesting, and freeing it in a loop.
#include "ast/ast.h"

#include <algorithm>

namespace aec::ast {

int nesting_of(ExprKind kind, const std::vector<ExprPtr> &args) {
  int n = 0;
  for (size_t i = 0; i < args.size(); ++i) n = std::max(n, args[i]->nesting + (kind == ExprKind::Binary && i == 0 ? 0 : 1));
  return n;
}

std::string too_deep_message() {
  return "the expression is nested deeper than " + std::to_string(kMaxNesting) +
         " levels (brackets, norms, calls, unrolls, unary minus signs and suffixes each count one); "
         "give some of its parts names (t = ...) and use those";
}

// Operands that no other tree shares are taken apart here, one at a time, instead of by their
// own destructors (which would recurse once per link of a chain).
Expr::~Expr() {
  std::vector<ExprPtr> pending = std::move(args);
  while (!pending.empty()) {
    ExprPtr e = std::move(pending.back());
    pending.pop_back();
    if (e.use_count() == 1) {
      auto &children = const_cast<Expr &>(*e).args;
      for (ExprPtr &c : children) pending.push_back(std::move(c));
      children.clear();
    }
  }
}

} // namespace aec::ast
