// Built-in functions of LANGUAGE.md: elementwise maps, reductions, constructors, noise, losses.
#include "ir/elementwise.h"
#include "sema/elaborator.h"

#include <cmath>

namespace aec::sema {

using ir::NodeId;
using ir::Op;

namespace {} // namespace

// An elementwise function of ir/elementwise.h's table (an op or a composite of ops): a scalar
// argument broadcasts, other arguments must have one shape.
bool Elaborator::elementwise_function(const ast::Expr &e, NodeId &out) {
  const ir::ElementwiseOp *op = ir::elementwise_named(e.name);
  const ir::Composite *composite = op ? nullptr : ir::composite_named(e.name);
  if (!op && !composite) return false;
  size_t arity = static_cast<size_t>(op ? op->arity : composite->arity);
  if (e.args.size() != arity)
    fail(e.span,
         e.name + " takes " + std::to_string(arity) + " argument" + (arity == 1 ? "" : "s") + ", got " + std::to_string(e.args.size()));
  std::vector<ir::Term> args;
  for (size_t i = 0; i < arity; ++i) {
    args.emplace_back(g(), expr(e.args[i]), e.span);
    const ir::Shape &si = g().shape(args[i].id()), &s0 = g().shape(args[0].id());
    if (i > 0 && si.rank != 0 && s0.rank != 0 && shapes_conflict(s0, si))
      fail(e.span, e.name + " needs arguments of one shape (or scalars), got " + describe(*e.args[0], args[0].id()) + " and " +
                       describe(*e.args[i], args[i].id()));
  }
  if (composite) out = composite->expand(args).id();
  else out = arity == 1 ? ir::apply(op->op, args[0]).id() : ir::apply(op->op, args[0], args[1]).id();
  return true;
}

bool Elaborator::builtin(const ast::Expr &e, NodeId &out) {
  if (!builtin_call(e, out)) return false;
  if (!e.keywords.empty())
    fail(e.keywords[0].span, e.name + " takes no keyword argument " + e.keywords[0].name + " (only conv and conv_t take stride= and pad=)");
  return true;
}

bool Elaborator::builtin_call(const ast::Expr &e, NodeId &out) {
  const std::string &f = e.name;
  auto arity = [&](size_t lo, size_t hi) {
    if (e.args.size() < lo || e.args.size() > hi) {
      std::string want = lo == hi ? std::to_string(lo) : std::to_string(lo) + " to " + std::to_string(hi);
      fail(e.span, f + " takes " + want + " argument" + (hi == 1 ? "" : "s") + ", got " + std::to_string(e.args.size()));
    }
  };
  // Sizes of a constructor or a noise draw: integers or dims.
  auto shape_from = [&](size_t first) {
    std::vector<ir::Size> sizes;
    for (size_t i = first; i < e.args.size(); ++i) {
      const ast::Expr &a = *e.args[i];
      if (a.kind == ast::ExprKind::Number && a.number >= 1 && a.number == std::floor(a.number))
        sizes.push_back(static_cast<ir::Size>(a.number));
      else if (a.kind == ast::ExprKind::Name && model_.dims.count(a.name)) sizes.push_back(model_.dims.at(a.name));
      else fail(a.span, f + " expects sizes (positive integers or dims), got '" + a.text + "'");
    }
    if (sizes.size() > 2) fail(e.span, f + " makes a scalar, a vector or a matrix: at most two sizes");
    if (sizes.empty()) return ir::Shape::scalar();
    return sizes.size() == 1 ? ir::Shape::vector(sizes[0]) : ir::Shape::matrix(sizes[0], sizes[1]);
  };

  if (elementwise_function(e, out)) return true;
  if (f == "sum" || f == "mean") {
    arity(1, 1);
    NodeId v = expr(e.args[0]);
    out = g().unary(Op::SumAll, v, e.span);
    if (f == "mean") {
      ir::Size n = g().shape(v).numel();
      out = g().binary(Op::Div, out, g().constant(static_cast<double>(n > 0 ? n : 1)), e.span);
    }
    return true;
  }
  if (f == "dot") {
    arity(2, 2);
    NodeId a = expr(e.args[0]), b = expr(e.args[1]);
    const ir::Shape sa = g().shape(a), &sb = g().shape(b);
    if (sa.rank != 1 || sb.rank != 1 || (sa.d[0] != sb.d[0] && sa.d[0] > 0 && sb.d[0] > 0))
      fail(e.span, "dot needs two vectors of one size, got " + describe(*e.args[0], a) + " and " + describe(*e.args[1], b));
    out = g().unary(Op::SumAll, g().binary(Op::Mul, a, b, e.span), e.span);
    return true;
  }
  if (f == "zeros" || f == "ones") {
    out = g().leaf(Op::Const, shape_from(0), false, {f == "ones" ? 1.0 : 0.0}, e.span);
    return true;
  }
  if (f == "eye") {
    arity(1, 1);
    ir::Shape s = shape_from(0);
    out = g().leaf(Op::Eye, ir::Shape::matrix(s.d[0], s.d[0]), false, {}, e.span);
    return true;
  }
  if (f == "randn" || f == "rand" || f == "bernoulli") {
    ir::Attr a;
    a.id = draw_id(e);
    Op op = f == "randn" ? Op::RandN : f == "rand" ? Op::RandU : Op::Bernoulli;
    size_t first = 0;
    if (op == Op::Bernoulli) {
      if (e.args.empty()) fail(e.span, "bernoulli takes a probability and sizes, e.g. bernoulli(0.8, D)");
      a.value = constant(e.args[0]);
      if (a.value < 0 || a.value > 1) fail(e.args[0]->span, "bernoulli's probability must lie in [0, 1]");
      first = 1;
    }
    // Without sizes the draw would be one number shared by every entry of the sample, which is
    // never what `x + sigma * randn()` means: the size is required.
    if (e.args.size() == first)
      fail(e.span, f + (op == Op::Bernoulli ? "(p)" : "()") + " needs the size of its draw, as in " + f +
                       (op == Op::Bernoulli ? "(" + e.args[0]->text + ", D)" : "(D)") + " (a vector) or " + f +
                       (op == Op::Bernoulli ? "(" + e.args[0]->text + ", m, n)" : "(m, n)") + " (a matrix)");
    out = g().leaf(op, shape_from(first), true, a, e.span);
    return true;
  }
  if (f == "bce") {
    arity(2, 2);
    NodeId x = expr(e.args[0]), p = expr(e.args[1]);
    if (shapes_conflict(g().shape(x), g().shape(p)))
      fail(e.span, "bce needs x and p of one shape, got " + describe(*e.args[0], x) + " and " + describe(*e.args[1], p));
    const ir::Node &pn = g().node(p);
    if (pn.op == Op::Sigmoid) {
      // bce(x, sigmoid(a)) = sum(softplus(a) - x .* a): exact, and finite for any logit a
      NodeId a = pn.in[0];
      out =
          g().unary(Op::SumAll, g().binary(Op::Sub, g().unary(Op::Softplus, a, e.span), g().binary(Op::Mul, x, a, e.span), e.span), e.span);
    } else {
      // -sum(x .* log(p) + (1 - x) .* log(1 - p))
      NodeId one = g().constant(1);
      NodeId t1 = g().binary(Op::Mul, x, g().unary(Op::Log, p, e.span), e.span);
      NodeId t2 =
          g().binary(Op::Mul, g().binary(Op::Sub, one, x, e.span), g().unary(Op::Log, g().binary(Op::Sub, one, p, e.span), e.span), e.span);
      out = g().unary(Op::Neg, g().unary(Op::SumAll, g().binary(Op::Add, t1, t2, e.span), e.span), e.span);
    }
    return true;
  }
  if (f == "kl_normal") {
    arity(2, 2);
    NodeId mu = expr(e.args[0]), lv = expr(e.args[1]);
    if (shapes_conflict(g().shape(mu), g().shape(lv)))
      fail(e.span, "kl_normal needs mu and logvar of one shape, got " + describe(*e.args[0], mu) + " and " + describe(*e.args[1], lv));
    // 0.5 * sum(exp(logvar) + mu .* mu - 1 - logvar)
    NodeId inner =
        g().binary(Op::Sub,
                   g().binary(Op::Sub, g().binary(Op::Add, g().unary(Op::Exp, lv, e.span), g().unary(Op::Square, mu, e.span), e.span),
                              g().constant(1), e.span),
                   lv, e.span);
    out = g().binary(Op::Mul, g().constant(0.5), g().unary(Op::SumAll, inner, e.span), e.span);
    return true;
  }
  if (f == "softmax" || f == "log_softmax" || f == "argmax") {
    arity(1, 1);
    NodeId v = expr(e.args[0]);
    if (g().shape(v).rank != 1) fail(e.args[0]->span, f + " needs a vector, but " + describe(*e.args[0], v) + " is not one");
    if (f == "argmax") {
      out = g().unary(Op::ArgMax, v, e.span);
      return true;
    }
    // log_softmax(v) = v - logsumexp(v), softmax(v) = exp(log_softmax(v)): finite for any logits
    ir::Attr a;
    a.shape = g().shape(v);
    NodeId lse = g().add(Op::BroadcastTo, {g().unary(Op::LogSumExp, v, e.span)}, a, e.span);
    out = g().binary(Op::Sub, v, lse, e.span);
    if (f == "softmax") out = g().unary(Op::Exp, out, e.span);
    return true;
  }
  if (f == "cross_entropy") {
    arity(2, 2);
    NodeId y = expr(e.args[0]), a = expr(e.args[1]);
    const ir::Shape sy = g().shape(y), sa = g().shape(a);
    if (sa.rank != 1) fail(e.args[1]->span, "cross_entropy needs a vector of logits, but " + describe(*e.args[1], a) + " is not one");
    if (shapes_conflict(sy, sa))
      fail(e.span,
           "cross_entropy needs targets and logits of one shape, got " + describe(*e.args[0], y) + " and " + describe(*e.args[1], a));
    // -sum(y .* log_softmax(a)) = sum(y) logsumexp(a) - sum(y .* a)
    NodeId lse = g().unary(Op::LogSumExp, a, e.span);
    NodeId mass = g().unary(Op::SumAll, y, e.span);
    out = g().binary(Op::Sub, g().binary(Op::Mul, mass, lse, e.span), g().unary(Op::SumAll, g().binary(Op::Mul, y, a, e.span), e.span),
                     e.span);
    return true;
  }
  if (f == "batch_mean") {
    arity(1, 1);
    NodeId v = expr(e.args[0]);
    if (!g().batched(v)) { // a value every sample shares is its own mean
      out = v;
      return true;
    }
    ir::Attr a;
    a.id = ++batch_statistics_made_;
    out = g().add(Op::BatchMean, {v}, a, e.span);
    return true;
  }
  if (f == "grad") {
    arity(2, 2);
    out = derivative(e.args[0], *e.args[1], true);
    return true;
  }
  if (f == "inv" || f == "solve") {
    arity(f == "inv" ? 1 : 2, f == "inv" ? 1 : 2);
    NodeId a = expr(e.args[0]);
    const ir::Shape sa = g().shape(a);
    if (sa.rank != 2 || sizes_conflict(sa.rows(), sa.cols()))
      fail(e.args[0]->span, f + " needs a square matrix, but " + describe(*e.args[0], a) + " is not one");
    NodeId inverse = g().add(Op::Inverse, {a}, {}, e.span);
    if (f == "inv") {
      out = inverse;
      return true;
    }
    // solve(A, b) = inv(A) * b: b a vector or a matrix with as many rows as A
    NodeId b = expr(e.args[1]);
    const ir::Shape sb = g().shape(b);
    if (sb.rank == 0 || sizes_conflict(sa.cols(), sb.rows()))
      fail(e.args[1]->span, "solve(A, b) needs b with " + g().size_text(sa.cols()) + " rows to match " + describe(*e.args[0], a) +
                                ", got " + describe(*e.args[1], b));
    out = g().matmul(inverse, b, false, false, e.span);
    return true;
  }
  if (f == "diag") {
    arity(1, 1);
    NodeId v = expr(e.args[0]);
    const ir::Shape sv = g().shape(v);
    if (sv.rank != 1)
      fail(e.args[0]->span, "diag makes a diagonal matrix from a vector, but " + describe(*e.args[0], v) + " is not a vector");
    ir::Shape square = ir::Shape::matrix(sv.rows(), sv.rows());
    // diag(v) = v broadcast along the columns, times the identity
    out = g().binary(Op::Mul, g().broadcast(Op::ColBroadcast, v, square, e.span), g().leaf(Op::Eye, square, false, {}, e.span), e.span);
    return true;
  }
  return false;
}

} // namespace aec::sema
