// Expressions -> graph nodes, checking every operator's shapes with messages that name both
// operands. Functions are inlined at each call (their bodies are checked per call site).
#include "sema/elaborator.h"

#include <cmath>

namespace aec::sema {

using ir::NodeId;
using ir::Op;

std::string Elaborator::describe(const ast::Expr &e, NodeId v) const {
  std::string t = e.text.size() > 40 ? e.text.substr(0, 37) + "..." : e.text;
  return t + " : " + shape_text(v);
}

bool sizes_conflict(ir::Size a, ir::Size b) { return a != b && (a > 0) == (b > 0); }
bool shapes_conflict(const ir::Shape &a, const ir::Shape &b) {
  if (a.rank != b.rank) return true;
  for (int i = 0; i < a.rank; ++i)
    if (sizes_conflict(a.d[i], b.d[i])) return true;
  return false;
}

NodeId Elaborator::expr(const ast::ExprPtr &p) {
  const ast::Expr &e = *p;
  count_expansion(e);
  return bounded(e, elaborate(e));
}

void Elaborator::count_expansion(const ast::Expr &e) {
  if (++expanded_ > ir::kMaxExpansion) fail_expansion(e);
}

NodeId Elaborator::bounded(const ast::Expr &e, NodeId v) {
  const ir::Shape s = g().shape(v);
  if (s.concrete() && s.numel() > ir::kMaxValueElements)
    fail(e.span, describe(e, v) + " has " + std::to_string(s.numel()) + " elements" + (g().batched(v) ? " for each sample" : "") +
                     ", more than the limit of " + std::to_string(ir::kMaxValueElements) + " for one value");
  return v;
}

void Elaborator::fail_expansion(const ast::Expr &here) {
  auto what = [](const Expansion &x) {
    return x.site->kind == ast::ExprKind::Unroll ? "unroll of " + std::to_string(x.steps) + " steps" : "call of " + x.site->name;
  };
  if (expanding_.empty())
    fail(here.span, "the program expands to more than " + std::to_string(ir::kMaxExpansion) + " operations, the limit");
  std::string chain;
  for (size_t i = 0; i < expanding_.size() && i < 6; ++i) chain += (i ? " > " : "") + what(expanding_[i]);
  if (expanding_.size() > 6) chain += " > ...";
  fail(expanding_.front().site->span, "this " + what(expanding_.front()) + " expands to more than " + std::to_string(ir::kMaxExpansion) +
                                          " operations, the limit: functions are inlined at every call and unrolls repeat their step (" +
                                          chain + ")");
}

NodeId Elaborator::elaborate(const ast::Expr &e) {
  switch (e.kind) {
  case ast::ExprKind::Number: return g().constant(e.number);
  case ast::ExprKind::Name: return name(e);
  case ast::ExprKind::Call: {
    // A user definition shadows a built-in of the same name.
    if (auto f = functions_.find(e.name); f != functions_.end()) return call_user(e, f->second);
    NodeId out;
    if (image_builtin(e, out) || builtin(e, out)) return out;
    if (e.name == "d") fail(e.span, "d(...) is a derivative only as d(e)/d(v)");
    if (globals_.count(e.name)) fail(e.span, "'" + e.name + "' is not a function and cannot be called");
    fail(e.span, "unknown function '" + e.name + "'");
  }
  case ast::ExprKind::Neg: return g().unary(Op::Neg, expr(e.args[0]), e.span);
  case ast::ExprKind::Binary: return binary(e);
  case ast::ExprKind::Power: return power(e);
  case ast::ExprKind::Transpose: {
    NodeId a = expr(e.args[0]);
    if (g().shape(a).rank > 2)
      fail(e.span, "cannot transpose " + describe(*e.args[0], a) + ": only matrices (and vectors) have a transpose; reshape an image");
    // A vector's (and a scalar's) transpose is itself.
    return g().shape(a).rank == 2 ? g().unary(Op::Transpose, a, e.span) : a;
  }
  case ast::ExprKind::Norm: return norm(e);
  case ast::ExprKind::Unroll: return unroll(e);
  }
  fail(e.span, "unknown expression");
}

NodeId Elaborator::name(const ast::Expr &e) {
  for (auto it = locals_.rbegin(); it != locals_.rend(); ++it)
    if (auto v = it->find(e.name); v != it->end()) return v->second;
  if (auto o = overrides_.find(e.name); o != overrides_.end()) return o->second;
  auto it = globals_.find(e.name);
  if (it == globals_.end()) {
    if (e.name.size() > 1 && e.name[0] == 'd' && functions_.count(e.name.substr(1)))
      fail(e.span, "the Jacobian " + e.name + " must be written " + e.name + "/dx, with the point after the '/'");
    if (e.name == "d") fail(e.span, "'d' is reserved for derivatives (df/dx, d(e)/d(v))");
    fail(e.span, "unknown name '" + e.name + "'");
  }
  const ast::Stmt &s = *it->second;
  switch (s.kind) {
  case ast::StmtKind::Input: {
    ir::Attr a;
    a.name = s.name;
    return g().leaf(Op::Input, ir::Shape::vector(model_.input(s.name)->width), true, a, s.name_span);
  }
  case ast::StmtKind::Param: return param_nodes_.at(s.name);
  case ast::StmtKind::Hyper: return g().constant(model_.hypers.at(s.name));
  case ast::StmtKind::Dim: return g().constant(static_cast<double>(std::max<ir::Size>(model_.dims.at(s.name), 1)));
  case ast::StmtKind::Func: fail(e.span, "function '" + e.name + "' is used as a value; call it, e.g. " + e.name + "(x)");
  case ast::StmtKind::Assign: {
    if (auto c = value_cache_.find(s.name); c != value_cache_.end()) return c->second;
    if (!values_in_progress_.insert(s.name).second) fail(e.span, "'" + s.name + "' is defined in terms of itself");
    // A named value sees only globals, never the locals of the function that mentions it.
    auto saved = std::move(locals_);
    locals_.clear();
    NodeId v = expr(s.body);
    locals_ = std::move(saved);
    values_in_progress_.erase(s.name);
    value_cache_[s.name] = v;
    return v;
  }
  default: fail(e.span, "'" + e.name + "' cannot be used as a value");
  }
}

bool Elaborator::is_operator(const ast::Expr &e) const {
  return e.kind == ast::ExprKind::Binary && !is_function_jacobian(e) && !is_derivative(e);
}

// `a + b - c ...`: the chain is walked down its left operands in a loop (it may have 100000
// links: see ast::kMaxNesting), then each operator is applied left to right.
NodeId Elaborator::binary(const ast::Expr &e) {
  // df/dx and d(e)/d(v) parse as divisions.
  if (is_function_jacobian(e)) return function_jacobian(e);
  if (is_derivative(e)) return derivative(e.args[0]->args[0], *e.args[1]->args[0], false);

  std::vector<const ast::Expr *> chain = {&e};
  while (is_operator(*chain.back()->args[0])) {
    chain.push_back(chain.back()->args[0].get());
    count_expansion(*chain.back()); // as expr() counts every other operand
  }
  NodeId a = expr(chain.back()->args[0]);
  for (size_t i = chain.size(); i-- > 0;) {
    const ast::Expr &link = *chain[i];
    a = apply_operator(link, a, expr(link.args[1]));
    if (i > 0) bounded(link, a); // e itself is bounded by the expr() that called this
  }
  return a;
}

NodeId Elaborator::apply_operator(const ast::Expr &e, NodeId a, NodeId b) {
  const ast::Expr &le = *e.args[0], &re = *e.args[1];
  const ir::Shape sa = g().shape(a), &sb = g().shape(b);
  auto elementwise = [&](Op op, const char *verb) {
    // A vector [c] meets an image [c, h, w] channel by channel (a bias per channel).
    auto per_channel = [&](const ir::Shape &v, const ir::Shape &image) {
      return v.rank == 1 && image.is_image() && !sizes_conflict(v.d[0], image.d[0]);
    };
    if (per_channel(sa, sb)) return g().binary(op, g().broadcast(Op::ChannelBroadcast, a, sb, e.span), b, e.span);
    if (per_channel(sb, sa)) return g().binary(op, a, g().broadcast(Op::ChannelBroadcast, b, sa, e.span), e.span);
    if ((sa.rank == 1 && sb.is_image()) || (sb.rank == 1 && sa.is_image())) {
      bool vector_first = sa.rank == 1;
      const ir::Shape &image = vector_first ? sb : sa;
      fail(e.span, std::string("cannot ") + verb + " " + describe(le, a) + " and " + describe(re, b) + ": a vector meets an image " +
                       "channel by channel, so it needs one entry for each of the image's " + g().size_text(image.d[0]) + " channels");
    }
    if (sa.rank != 0 && sb.rank != 0 && shapes_conflict(sa, sb))
      fail(e.span, std::string("cannot ") + verb + " " + describe(le, a) + " and " + describe(re, b) + ": shapes differ");
    return g().binary(op, a, b, e.span);
  };
  switch (e.op) {
  case ast::BinOp::Add: return elementwise(Op::Add, "add");
  case ast::BinOp::Sub: return elementwise(Op::Sub, "subtract");
  case ast::BinOp::EMul: return elementwise(Op::Mul, "multiply elementwise");
  case ast::BinOp::EDiv: return elementwise(Op::Div, "divide elementwise");
  case ast::BinOp::Div:
    if (sb.rank != 0) fail(e.span, "'/' divides by a scalar, but " + describe(re, b) + " is not one; write ./ to divide elementwise");
    return g().binary(Op::Div, a, b, e.span);
  case ast::BinOp::MatMul: {
    if (sa.rank == 0 || sb.rank == 0) return g().binary(Op::Mul, a, b, e.span);
    std::string both = describe(le, a) + " by " + describe(re, b);
    if (sa.rank > 2 || sb.rank > 2)
      fail(e.span, "cannot multiply " + both + ": '*' multiplies matrices and vectors; an image goes through conv, or flatten(...) first");
    if (sa.rank == 1 && sb.rank == 1)
      fail(e.span, "cannot multiply " + both + ": a vector times a vector is not a product; write dot(a, b) or a .* b");
    if (sa.rank == 1)
      fail(e.span, "cannot multiply " + both + ": a vector times a matrix is not defined; transpose the matrix and write M' * v");
    if (sizes_conflict(sa.cols(), sb.rows()))
      fail(e.span,
           "cannot multiply " + both + ": inner sizes " + g().size_text(sa.cols()) + " and " + g().size_text(sb.rows()) + " differ");
    return g().matmul(a, b, false, false, e.span);
  }
  }
  fail(e.span, "unknown operator");
}

double Elaborator::constant(const ast::ExprPtr &p) {
  const ast::Expr &e = *p;
  switch (e.kind) {
  case ast::ExprKind::Number: return e.number;
  case ast::ExprKind::Neg: return -constant(e.args[0]);
  case ast::ExprKind::Name: {
    auto it = globals_.find(e.name);
    if (it != globals_.end() && it->second->kind == ast::StmtKind::Hyper) return model_.hypers.at(e.name);
    if (it != globals_.end() && it->second->kind == ast::StmtKind::Dim) {
      ir::Size v = model_.dims.at(e.name);
      return v > 0 ? static_cast<double>(v) : 1.0;
    }
    break;
  }
  default: break;
  }
  fail(e.span, "expected a constant (a number, a hyper or a dim), got '" + e.text + "'");
}

NodeId Elaborator::power(const ast::Expr &e) {
  const ast::Expr &base = *e.args[0];
  double p = constant(e.args[1]);
  // ||e||^2 and ||e||_F^2 are sums of squares; no square root is taken and undone. Their nodes
  // stand for the whole `||e||^2` (a report about them underlines it, not the `^`).
  if (base.kind == ast::ExprKind::Norm && base.norm != ast::NormKind::L1 && p == 2)
    return g().unary(Op::SumAll, g().unary(Op::Square, expr(base.args[0]), e.extent), e.extent);
  NodeId b = expr(e.args[0]);
  if (p == 2) return g().unary(Op::Square, b, e.span);
  if (p == 1) return b;
  ir::Attr a;
  a.value = p;
  return g().add(Op::PowC, {b}, a, e.span);
}

// A norm's nodes stand for the whole `||e||`.
NodeId Elaborator::norm(const ast::Expr &e) {
  NodeId v = expr(e.args[0]);
  const Span &all = e.extent;
  if (e.norm == ast::NormKind::L1) return g().unary(Op::SumAll, g().unary(Op::Abs, v, all), all);
  return g().unary(Op::Sqrt, g().unary(Op::SumAll, g().unary(Op::Square, v, all), all), all);
}

NodeId Elaborator::unroll(const ast::Expr &e) {
  ir::Size n = size_of(e.count);
  if (n > ir::kMaxUnrollSteps)
    fail(e.count.span, "unroll of " + std::to_string(n) + " steps exceeds the limit of " + std::to_string(ir::kMaxUnrollSteps));
  int64_t outer = 1, outer_unrolls = 0; // the unrolls this one is inside: their steps (each within the limit, so is the product)
  for (const Expansion &x : expanding_)
    if (x.site->kind == ast::ExprKind::Unroll) outer *= x.steps, ++outer_unrolls;
  if (n > 0 && outer * n > ir::kMaxUnrollSteps)
    fail(e.count.span, "unroll of " + std::to_string(n) + " steps inside " + (outer_unrolls == 1 ? "an unroll" : "unrolls") + " of " +
                           std::to_string(outer) + " steps" + (outer_unrolls == 1 ? "" : " together") + " runs its step " +
                           std::to_string(outer * n) + " times, more than the limit of " + std::to_string(ir::kMaxUnrollSteps));
  NodeId y = expr(e.args[0]);
  ir::Shape shape = g().shape(y);
  // With the count not known yet (`aec check` without data), one step checks the shapes.
  ir::Size steps = n > 0 ? n : 1;
  expanding_.push_back({&e, steps});
  for (ir::Size t = 0; t < steps; ++t) {
    locals_.push_back({{e.name, y}});
    draw_context_.push_back("step" + std::to_string(t));
    NodeId next = expr(e.args[1]);
    draw_context_.pop_back();
    locals_.pop_back();
    if (shapes_conflict(g().shape(next), shape))
      fail(e.args[1]->span, "the unrolled step gives " + describe(*e.args[1], next) + ", but " + e.name + " starts as " +
                                g().shape_text(shape) + "; each step must keep the shape");
    y = next;
  }
  expanding_.pop_back();
  return y;
}

NodeId Elaborator::call_user(const ast::Expr &e, const FunctionDef &f) {
  const ast::Stmt &s = *f.stmt;
  if (!e.keywords.empty())
    fail(e.keywords[0].span, "function " + s.name + " takes no keyword arguments (" + e.keywords[0].name + "=...): only built-ins do");
  if (e.args.size() != s.formals.size())
    fail(e.span, "function " + s.name + " takes " + std::to_string(s.formals.size()) + " argument" + (s.formals.size() == 1 ? "" : "s") +
                     ", got " + std::to_string(e.args.size()));
  for (auto &active : call_stack_)
    if (active == s.name) fail(e.span, "function " + s.name + " calls itself; recursion is not allowed (use unroll)");
  std::unordered_map<std::string, NodeId> frame;
  for (size_t i = 0; i < e.args.size(); ++i) frame[s.formals[i].first] = expr(e.args[i]);
  return inline_body(s, std::move(frame), &e);
}

// "x, W * h": the arguments of a call as written (each cut at 30 characters).
std::string Elaborator::arguments_text(const ast::Expr &site) {
  std::string out;
  for (size_t i = 0; i < site.args.size(); ++i) {
    const ast::Expr &a = *site.args[i];
    if (i) out += ", ";
    out += a.text.size() > 30 ? a.text.substr(0, 27) + "..." : a.text;
  }
  return out;
}

NodeId Elaborator::inline_body(const ast::Stmt &fn, std::unordered_map<std::string, NodeId> frame, const ast::Expr *site) {
  call_stack_.push_back(fn.name);
  if (site) expanding_.push_back({site, 1});
  draw_context_.push_back(std::to_string(reinterpret_cast<uintptr_t>(site)));
  // A function body sees its arguments and the globals, not its caller's locals.
  auto saved = std::move(locals_);
  locals_ = {std::move(frame)};
  NodeId out;
  try {
    out = expr(fn.body);
  } catch (CompileError &err) {
    // The body is checked per call: say which call made it fail (each enclosing call adds its own).
    if (site && !err.diagnostics().empty() && !err.diagnostics()[0].message.starts_with("the program expands"))
      err.add_note(site->span, "in this " + (site->kind == ast::ExprKind::Call ? "call of " + fn.name + "(" + arguments_text(*site) + ")"
                                                                               : "Jacobian of " + fn.name));
    throw;
  }
  locals_ = std::move(saved);
  draw_context_.pop_back();
  if (site) expanding_.pop_back();
  call_stack_.pop_back();
  return out;
}

} // namespace aec::sema
