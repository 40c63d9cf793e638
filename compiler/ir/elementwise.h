// The math of every elementwise op, written once over an "algebra" A that supplies constants
// and primitive operations on its value type A::V. The reference evaluator instantiates it with
// doubles or floats, codegen with llvm::Value*. A new elementwise op is one case here.
#pragma once
#include "ir/graph.h"

#include <cmath>
#include <stdexcept>

namespace aec::ir {

template <class A>
typename A::V eval_elementwise(Op op, A &a, typename A::V x, typename A::V y, double attr) {
  switch (op) {
  case Op::Neg: return a.neg(x);
  case Op::Sigmoid: return a.div(a.c(1), a.add(a.c(1), a.exp(a.neg(x))));
  // tanh(x) = 1 - 2 / (exp(2x) + 1): saturates to +-1 without overflow
  case Op::Tanh: return a.sub(a.c(1), a.div(a.c(2), a.add(a.exp(a.mul(a.c(2), x)), a.c(1))));
  case Op::Relu: return a.max(x, a.c(0));
  // softplus(x) = max(x, 0) + log(1 + exp(-|x|)): never overflows
  case Op::Softplus: return a.add(a.max(x, a.c(0)), a.log(a.add(a.c(1), a.exp(a.neg(a.abs(x))))));
  case Op::Exp: return a.exp(x);
  case Op::Log: return a.log(x);
  case Op::Sqrt: return a.sqrt(x);
  case Op::Abs: return a.abs(x);
  case Op::Square: return a.mul(x, x);
  case Op::Step: return a.gt(x, a.c(0));
  case Op::Sign: return a.sub(a.gt(x, a.c(0)), a.gt(a.c(0), x));
  case Op::PowC:
    if (attr == 2) return a.mul(x, x);
    if (attr == 1) return x;
    if (attr == 0.5) return a.sqrt(x);
    return a.pow(x, a.c(attr));
  case Op::Add: return a.add(x, y);
  case Op::Sub: return a.sub(x, y);
  case Op::Mul: return a.mul(x, y);
  case Op::Div: return a.div(x, y);
  default: throw std::logic_error(std::string("not elementwise: ") + info(op).spelling);
  }
}

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
