#include "ast/ast.h"

#include <sstream>
#include <vector>

namespace aec::ast {
namespace {

const char *bin_name(BinOp op) {
  switch (op) {
  case BinOp::Add: return "+";
  case BinOp::Sub: return "-";
  case BinOp::MatMul: return "*";
  case BinOp::EMul: return ".*";
  case BinOp::EDiv: return "./";
  case BinOp::Div: return "/";
  }
  return "?";
}

std::string size_text(const Size &s) { return s.value ? std::to_string(*s.value) : s.name; }

void dump_node(std::ostringstream &os, const Expr &e, int depth) {
  constexpr int kMaxIndent = 40;
  if (depth > kMaxIndent) os << std::string(2 * kMaxIndent, ' ') << "[" << depth << "] ";
  else os << std::string(2 * depth, ' ');
  switch (e.kind) {
  case ExprKind::Number: os << "Number " << e.number; break;
  case ExprKind::Name: os << "Name " << e.name; break;
  case ExprKind::Call:
    os << "Call " << e.name;
    for (const Keyword &k : e.keywords) os << " " << k.name << "=" << k.value->text;
    break;
  case ExprKind::Neg: os << "Neg"; break;
  case ExprKind::Binary: os << "Binary " << bin_name(e.op); break;
  case ExprKind::Power: os << "Power"; break;
  case ExprKind::Transpose: os << "Transpose"; break;
  case ExprKind::Norm: os << "Norm " << (e.norm == NormKind::L1 ? "_1" : e.norm == NormKind::Frobenius ? "_F" : "_2"); break;
  case ExprKind::Unroll: os << "Unroll " << size_text(e.count) << " from " << e.name; break;
  }
  os << "  @" << e.span.line << ":" << e.span.col << "\n";
}

// Depth-first with a stack of its own (a chain of operators may be 100000 deep); indentation
// stops growing at 40 levels, where a line starts with its depth instead.
void dump_expr(std::ostringstream &os, const Expr &root, int root_depth) {
  std::vector<std::pair<const Expr *, int>> todo = {{&root, root_depth}};
  while (!todo.empty()) {
    auto [e, depth] = todo.back();
    todo.pop_back();
    dump_node(os, *e, depth);
    for (size_t i = e->args.size(); i-- > 0;) todo.push_back({e->args[i].get(), depth + 1});
  }
}

} // namespace

std::string dump(const Program &p) {
  std::ostringstream os;
  for (const Stmt &s : p.stmts) {
    switch (s.kind) {
    case StmtKind::Dim:
      os << "dim " << s.name;
      if (s.dim_value) os << " = " << *s.dim_value;
      os << "\n";
      break;
    case StmtKind::Input:
    case StmtKind::Param: {
      os << (s.kind == StmtKind::Input ? "input " : "param ") << s.name << " : [";
      for (size_t i = 0; i < s.shape.size(); ++i) os << (i ? ", " : "") << size_text(s.shape[i]);
      os << "]";
      if (s.per_sample) os << " per sample";
      if (s.kind == StmtKind::Param) os << " = " << s.init.name << "(" << s.init.args.size() << " args)";
      os << "\n";
      break;
    }
    case StmtKind::Hyper: os << "hyper " << s.name << " = " << s.hyper_value << "\n"; break;
    case StmtKind::Func:
      os << "func " << s.name << "(";
      for (size_t i = 0; i < s.formals.size(); ++i) os << (i ? ", " : "") << s.formals[i].first;
      os << ")\n";
      dump_expr(os, *s.body, 1);
      break;
    case StmtKind::Assign:
      os << "let " << s.name << "\n";
      dump_expr(os, *s.body, 1);
      break;
    case StmtKind::Minimize:
      os << "minimize\n";
      dump_expr(os, *s.body, 1);
      break;
    case StmtKind::Output:
      os << "output " << s.name << "\n";
      dump_expr(os, *s.body, 1);
      break;
    case StmtKind::Check:
      os << "check " << s.name << "\n";
      for (auto &a : s.check_args) dump_expr(os, *a, 1);
      break;
    case StmtKind::Train:
      os << "train";
      for (auto &o : s.options) os << " " << o.key << "=" << o.value;
      os << "\n";
      break;
    }
  }
  return os.str();
}

} // namespace aec::ast
