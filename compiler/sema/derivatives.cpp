// Derivatives in the language: `df/dx` (the Jacobian of a one-argument function at a point),
// `d(e)/d(v)` and `grad(e, v)`. Each elaborates the function or expression with the point bound
// to a stand-in Var, derives the Jacobian by forward mode (autodiff::jacobian), and substitutes
// the point's value back. The result is ordinary graph nodes: it can be normed, multiplied and
// differentiated again by training.
#include "autodiff/autodiff.h"
#include "ir/algorithms.h"
#include "sema/elaborator.h"

namespace aec::sema {

using ir::NodeId;
using ir::Op;

bool Elaborator::is_function_jacobian(const ast::Expr &e) const {
  if (e.kind != ast::ExprKind::Binary || e.op != ast::BinOp::Div) return false;
  const ast::Expr &le = *e.args[0], &re = *e.args[1];
  if (le.kind != ast::ExprKind::Name || re.kind != ast::ExprKind::Name) return false;
  if (le.name.size() < 2 || le.name[0] != 'd' || globals_.count(le.name)) return false;
  for (const auto &frame : locals_)
    if (frame.count(le.name)) return false;
  return functions_.count(le.name.substr(1)) > 0;
}

bool Elaborator::is_derivative(const ast::Expr &e) const {
  if (e.kind != ast::ExprKind::Binary || e.op != ast::BinOp::Div || functions_.count("d")) return false;
  const ast::Expr &le = *e.args[0], &re = *e.args[1];
  bool d_of = le.kind == ast::ExprKind::Call && le.name == "d";
  bool d_wrt = re.kind == ast::ExprKind::Call && re.name == "d";
  if (d_of != d_wrt) fail((d_of ? re : le).span, "a derivative is written d(e)/d(v), with d(...) on both sides of the '/'");
  if (!d_of) return false;
  if (le.args.size() != 1 || re.args.size() != 1) fail(e.span, "a derivative is written d(e)/d(v), with one expression in each d(...)");
  return true;
}

namespace {
// The point of a derivative must be a vector or a scalar.
void check_point(const ir::Graph &g, NodeId point, const ast::Expr &v) {
  if (g.shape(point).rank == 2)
    fail(v.span, "the derivative with respect to " + v.text + " : " + g.shape_text(g.shape(point)) +
                     " is not supported yet; differentiate with respect to a vector or a scalar");
}
} // namespace

NodeId Elaborator::function_jacobian(const ast::Expr &e) {
  const ast::Expr &le = *e.args[0], &re = *e.args[1];
  const FunctionDef &f = functions_.at(le.name.substr(1));
  if (re.name.size() < 2 || re.name[0] != 'd')
    fail(re.span, "the Jacobian " + le.name + "/... needs d and the point after the '/', e.g. " + le.name + "/dx");
  const ast::Stmt &fn = *f.stmt;
  if (fn.formals.size() != 1)
    fail(le.span, "the Jacobian " + e.text + " needs a one-argument function, but " + fn.name + " takes " +
                      std::to_string(fn.formals.size()) + " arguments");
  ast::Expr point_name;
  point_name.kind = ast::ExprKind::Name;
  point_name.name = re.name.substr(1);
  point_name.text = point_name.name;
  point_name.span = Span{re.span.line, re.span.col + 1, std::max(1, re.span.len - 1)};
  NodeId point = name(point_name);
  check_point(g(), point, point_name);
  ir::Attr a;
  a.id = next_var_++;
  NodeId var = g().leaf(Op::Var, g().shape(point), g().batched(point), a, re.span);
  NodeId fx = inline_body(fn, {{fn.formals[0].first, var}}, &e);
  NodeId jac = autodiff::jacobian(g(), fx, var);
  return ir::substitute(g(), jac, var, point);
}

NodeId Elaborator::derivative(const ast::ExprPtr &of, const ast::Expr &v, bool gradient) {
  const char *form = gradient ? "grad(e, v)" : "d(e)/d(v)";
  if (v.kind != ast::ExprKind::Name)
    fail(v.span,
         std::string(form) + " differentiates with respect to a name (a value, the input or an argument), but '" + v.text + "' is not one");
  NodeId point = name(v);
  check_point(g(), point, v);
  ir::Attr a;
  a.id = next_var_++;
  NodeId var = g().leaf(Op::Var, g().shape(point), g().batched(point), a, v.span);

  bool local = false;
  for (const auto &frame : locals_) local |= frame.count(v.name) > 0;
  NodeId out;
  if (local) { // an argument or an unroll variable: shadow it in this scope
    locals_.push_back({{v.name, var}});
    out = expr(of);
    locals_.pop_back();
  } else { // a global: every named value that mentions it is elaborated again
    auto cache = std::move(value_cache_);
    value_cache_.clear();
    overrides_[v.name] = var;
    out = expr(of);
    overrides_.erase(v.name);
    value_cache_ = std::move(cache);
  }
  if (gradient && g().shape(out).rank != 0)
    fail(of->span, "grad needs a scalar expression, but " + describe(*of, out) + " is not one; write d(e)/d(v) for a Jacobian");
  NodeId jac = autodiff::jacobian(g(), out, var);
  return ir::substitute(g(), jac, var, point);
}

int64_t Elaborator::draw_id(const ast::Expr &call) {
  std::string key = std::to_string(reinterpret_cast<uintptr_t>(&call));
  for (const std::string &c : draw_context_) key += "/" + c;
  auto [it, fresh] = draws_.emplace(key, static_cast<int64_t>(draws_.size()));
  return it->second;
}

} // namespace aec::sema
