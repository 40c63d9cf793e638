// The elementwise part of the op table: for every op of kind Unary or Binary in ops.def, one
// entry with its name in the language (if a program can call it), the domain its operands may
// take (the random-program tests read it), its math and its derivative.
//
// The math is written once over an "algebra" A that supplies constants and primitive operations
// on its value type A::V: the reference evaluator and constant folding instantiate it with
// numbers, codegen with llvm::Value*. The derivative is written with ir::Term arithmetic, so it
// is a graph of the same ops and can be differentiated again.
//
// An elementwise op in ops.def without an entry here does not compile ("incomplete type
// Elementwise<Op::...>"): the dispatchers below instantiate every one.
#pragma once
#include "ir/graph.h"
#include "ir/term.h"

#include <cmath>
#include <stdexcept>
#include <vector>

namespace aec::ir {

// The operands an op is defined for, as test generators must respect it.
enum class Domain {
  Real,     // every real number
  Moderate, // numbers of moderate size (exp overflows past 88)
  Positive, // positive numbers (log, sqrt, the divisor of a quotient)
};

// What a derivative rule sees: the operands, the node's own value, the adjoint flowing in, and
// which operand's contribution is asked for.
struct Adjoint {
  Term a, b; // b is `none` for a unary op
  Term value;
  Term ybar;
  size_t operand;
  double attr; // the node's constant (PowC's exponent)
};

template <Op> struct Elementwise; // no general definition: every elementwise op has an entry

// What an entry says unless it says otherwise.
struct ElementwiseEntry {
  static constexpr const char *language = nullptr; // not callable by name
  static constexpr Domain domain = Domain::Real;
  static constexpr bool takes_constant = false; // the op's attr is part of its math
};

template <> struct Elementwise<Op::Neg> : ElementwiseEntry {
  static constexpr const char *language = nullptr; // written `-a`
  template <class A> static typename A::V math(A &a, typename A::V x, typename A::V, double) { return a.neg(x); }
  // d(-x) = -1
  static Term derivative(const Adjoint &d) { return -d.ybar; }
};

template <> struct Elementwise<Op::Sigmoid> : ElementwiseEntry {
  static constexpr const char *language = "sigmoid";
  // sigmoid(x) = 1 / (1 + exp(-x))
  template <class A> static typename A::V math(A &a, typename A::V x, typename A::V, double) {
    return a.div(a.c(1), a.add(a.c(1), a.exp(a.neg(x))));
  }
  // d sigmoid(x) = s (1 - s)
  static Term derivative(const Adjoint &d) { return d.ybar * (d.value * (1 - d.value)); }
};

template <> struct Elementwise<Op::Tanh> : ElementwiseEntry {
  static constexpr const char *language = "tanh";
  // tanh(x) = 1 - 2 / (exp(2x) + 1): saturates to +-1 without overflow
  template <class A> static typename A::V math(A &a, typename A::V x, typename A::V, double) {
    return a.sub(a.c(1), a.div(a.c(2), a.add(a.exp(a.mul(a.c(2), x)), a.c(1))));
  }
  // d tanh(x) = 1 - t^2
  static Term derivative(const Adjoint &d) { return d.ybar * (1 - square(d.value)); }
};

template <> struct Elementwise<Op::Relu> : ElementwiseEntry {
  static constexpr const char *language = "relu";
  template <class A> static typename A::V math(A &a, typename A::V x, typename A::V, double) { return a.max(x, a.c(0)); }
  // d relu(x) = step(x)
  static Term derivative(const Adjoint &d) { return d.ybar * step(d.a); }
};

template <> struct Elementwise<Op::Softplus> : ElementwiseEntry {
  static constexpr const char *language = "softplus";
  // softplus(x) = max(x, 0) + log(1 + exp(-|x|)): never overflows
  template <class A> static typename A::V math(A &a, typename A::V x, typename A::V, double) {
    return a.add(a.max(x, a.c(0)), a.log(a.add(a.c(1), a.exp(a.neg(a.abs(x))))));
  }
  // d softplus(x) = sigmoid(x)
  static Term derivative(const Adjoint &d) { return d.ybar * sigmoid(d.a); }
};

template <> struct Elementwise<Op::Exp> : ElementwiseEntry {
  static constexpr const char *language = "exp";
  static constexpr Domain domain = Domain::Moderate;
  template <class A> static typename A::V math(A &a, typename A::V x, typename A::V, double) { return a.exp(x); }
  // d exp(x) = exp(x)
  static Term derivative(const Adjoint &d) { return d.ybar * d.value; }
};

template <> struct Elementwise<Op::Log> : ElementwiseEntry {
  static constexpr const char *language = "log";
  static constexpr Domain domain = Domain::Positive;
  template <class A> static typename A::V math(A &a, typename A::V x, typename A::V, double) { return a.log(x); }
  // d log(x) = 1 / x
  static Term derivative(const Adjoint &d) { return d.ybar / d.a; }
};

template <> struct Elementwise<Op::Sqrt> : ElementwiseEntry {
  static constexpr const char *language = "sqrt";
  static constexpr Domain domain = Domain::Positive;
  template <class A> static typename A::V math(A &a, typename A::V x, typename A::V, double) { return a.sqrt(x); }
  // d sqrt(x) = 1 / (2 sqrt(x))
  static Term derivative(const Adjoint &d) { return d.ybar / (2 * d.value); }
};

template <> struct Elementwise<Op::Abs> : ElementwiseEntry {
  static constexpr const char *language = "abs";
  template <class A> static typename A::V math(A &a, typename A::V x, typename A::V, double) { return a.abs(x); }
  // d |x| = sign(x)
  static Term derivative(const Adjoint &d) { return d.ybar * sign(d.a); }
};

template <> struct Elementwise<Op::Square> : ElementwiseEntry {
  static constexpr const char *language = nullptr; // written `a^2`
  template <class A> static typename A::V math(A &a, typename A::V x, typename A::V, double) { return a.mul(x, x); }
  // d x^2 = 2 x
  static Term derivative(const Adjoint &d) { return d.ybar * (2 * d.a); }
};

template <> struct Elementwise<Op::Step> : ElementwiseEntry {
  static constexpr const char *language = nullptr; // relu's derivative
  // step(x) = 1 where x > 0, else 0
  template <class A> static typename A::V math(A &a, typename A::V x, typename A::V, double) { return a.gt(x, a.c(0)); }
  // flat almost everywhere
  static Term derivative(const Adjoint &d) { return d.ybar.zero_derivative(); }
};

template <> struct Elementwise<Op::Sign> : ElementwiseEntry {
  static constexpr const char *language = "sign";
  // sign(x) = 1, 0 or -1
  template <class A> static typename A::V math(A &a, typename A::V x, typename A::V, double) {
    return a.sub(a.gt(x, a.c(0)), a.gt(a.c(0), x));
  }
  // flat almost everywhere
  static Term derivative(const Adjoint &d) { return d.ybar.zero_derivative(); }
};

template <> struct Elementwise<Op::PowC> : ElementwiseEntry {
  static constexpr const char *language = nullptr; // written `a ^ p`, p a constant (the attr)
  static constexpr Domain domain = Domain::Positive;
  static constexpr bool takes_constant = true;
  template <class A> static typename A::V math(A &a, typename A::V x, typename A::V, double p) {
    if (p == 2) return a.mul(x, x);
    if (p == 1) return x;
    if (p == 0.5) return a.sqrt(x);
    return a.pow(x, a.c(p));
  }
  // d x^p = p x^(p-1)
  static Term derivative(const Adjoint &d) { return d.ybar * (d.attr * (d.attr - 1 == 1 ? d.a : power(d.a, d.attr - 1))); }
};

template <> struct Elementwise<Op::Add> : ElementwiseEntry {
  static constexpr const char *language = nullptr; // written `a + b`
  template <class A> static typename A::V math(A &a, typename A::V x, typename A::V y, double) { return a.add(x, y); }
  // d(a + b) = da + db
  static Term derivative(const Adjoint &d) { return d.ybar; }
};

template <> struct Elementwise<Op::Sub> : ElementwiseEntry {
  static constexpr const char *language = nullptr; // written `a - b`
  template <class A> static typename A::V math(A &a, typename A::V x, typename A::V y, double) { return a.sub(x, y); }
  // d(a - b) = da - db
  static Term derivative(const Adjoint &d) { return d.operand == 0 ? d.ybar : -d.ybar; }
};

template <> struct Elementwise<Op::Mul> : ElementwiseEntry {
  static constexpr const char *language = nullptr; // written `a .* b`, or `*` with a scalar
  template <class A> static typename A::V math(A &a, typename A::V x, typename A::V y, double) { return a.mul(x, y); }
  // d(a b) = b da + a db
  static Term derivative(const Adjoint &d) { return d.ybar * (d.operand == 0 ? d.b : d.a); }
};

template <> struct Elementwise<Op::Div> : ElementwiseEntry {
  static constexpr const char *language = nullptr; // written `a ./ b`, or `/` by a scalar
  static constexpr Domain domain = Domain::Positive;
  template <class A> static typename A::V math(A &a, typename A::V x, typename A::V y, double) { return a.div(x, y); }
  // d(a / b) = da / b - (a / b) db / b
  static Term derivative(const Adjoint &d) { return d.operand == 0 ? d.ybar / d.b : -((d.ybar * d.value) / d.b); }
};

template <> struct Elementwise<Op::Max> : ElementwiseEntry {
  static constexpr const char *language = "max";
  template <class A> static typename A::V math(A &a, typename A::V x, typename A::V y, double) { return a.max(x, y); }
  // d max(a, b) = step(a - b) da + (1 - step(a - b)) db: a tie goes to b
  static Term derivative(const Adjoint &d) {
    Term a_wins = step(d.a - d.b);
    return d.ybar * (d.operand == 0 ? a_wins : 1 - a_wins);
  }
};

template <> struct Elementwise<Op::Min> : ElementwiseEntry {
  static constexpr const char *language = "min";
  // min(a, b) = -max(-a, -b), exactly
  template <class A> static typename A::V math(A &a, typename A::V x, typename A::V y, double) { return a.neg(a.max(a.neg(x), a.neg(y))); }
  // d min(a, b) = step(b - a) da + (1 - step(b - a)) db: a tie goes to b
  static Term derivative(const Adjoint &d) {
    Term a_wins = step(d.b - d.a);
    return d.ybar * (d.operand == 0 ? a_wins : 1 - a_wins);
  }
};

template <> struct Elementwise<Op::Equal> : ElementwiseEntry {
  static constexpr const char *language = "equal";
  // equal(a, b) = 1 - step(a - b) - step(b - a): 1 where a = b, else 0
  template <class A> static typename A::V math(A &a, typename A::V x, typename A::V y, double) {
    return a.sub(a.sub(a.c(1), a.gt(x, y)), a.gt(y, x));
  }
  // flat almost everywhere
  static Term derivative(const Adjoint &d) { return d.ybar.zero_derivative(); }
};

// ---- Dispatch over the table --------------------------------------------------------------

// `if constexpr` discards only inside a template: each op gets its own instance.
template <Op op, class A> typename A::V elementwise_math(A &a, typename A::V x, typename A::V y, double attr) {
  if constexpr (is_elementwise(op)) return Elementwise<op>::math(a, x, y, attr);
  else throw std::logic_error(std::string("not elementwise: ") + info(op).spelling);
}

template <class A> typename A::V eval_elementwise(Op op, A &a, typename A::V x, typename A::V y, double attr) {
  switch (op) {
#define OP(name, spelling, arity, kind_)                                                                                                   \
  case Op::name:                                                                                                                           \
    return elementwise_math<Op::name>(a, x, y, attr);
#include "ir/ops.def"
#undef OP
  }
  throw std::logic_error("an op outside ops.def");
}

// The derivative rule of an elementwise node; `none` when the operand gets nothing.
Term elementwise_derivative(const Adjoint &d, Op op);

// The elementwise ops as a list, in ops.def's order (what the test generators draw from).
struct ElementwiseOp {
  Op op;
  int arity;
  const char *language; // nullptr: not callable by name
  Domain domain;
  bool takes_constant; // PowC: its exponent is an attribute
};
const std::vector<ElementwiseOp> &elementwise_ops();
// The op a program calls by `name`, or nullptr.
const ElementwiseOp *elementwise_named(const std::string &name);

// Functions of the language defined from the ops above; their math and derivatives follow.
struct Composite {
  const char *language;
  int arity;
  Domain domain;
  Term (*expand)(const std::vector<Term> &args);
};
const std::vector<Composite> &composites();
const Composite *composite_named(const std::string &name);

// The algebra of plain numbers (the reference evaluator, constant folding).
template <class T> struct ScalarAlgebra {
  using V = T;
  V c(double v) { return static_cast<T>(v); }
  V add(V a, V b) { return a + b; }
  V sub(V a, V b) { return a - b; }
  V mul(V a, V b) { return a * b; }
  V div(V a, V b) { return a / b; }
  V neg(V a) { return -a; }
  V exp(V a) { return std::exp(a); }
  V log(V a) { return std::log(a); }
  V sqrt(V a) { return std::sqrt(a); }
  V abs(V a) { return std::abs(a); }
  V max(V a, V b) { return a > b ? a : b; }
  V gt(V a, V b) { return a > b ? T(1) : T(0); }
  V pow(V a, V b) { return std::pow(a, b); }
};

} // namespace aec::ir
