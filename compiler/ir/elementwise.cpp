// The non-template half of the elementwise table's dispatch (see elementwise.h).
#include "ir/elementwise.h"

namespace aec::ir {
namespace {

// `if constexpr` discards only inside a template: each op gets its own instance.
template <Op op> Term derivative_of(const Adjoint &d) {
  if constexpr (is_elementwise(op)) return Elementwise<op>::derivative(d);
  else throw std::logic_error(std::string("not elementwise: ") + info(op).spelling);
}

template <Op op> void list_if_elementwise(std::vector<ElementwiseOp> &list) {
  if constexpr (is_elementwise(op)) {
    using E = Elementwise<op>;
    list.push_back({op, info(op).arity, E::language, E::domain, E::takes_constant});
  }
}

} // namespace

Term elementwise_derivative(const Adjoint &d, Op op) {
  switch (op) {
#define OP(name, spelling, arity, kind_)                                                                                                   \
  case Op::name:                                                                                                                           \
    return derivative_of<Op::name>(d);
#include "ir/ops.def"
#undef OP
  }
  throw std::logic_error("an op outside ops.def");
}

const std::vector<ElementwiseOp> &elementwise_ops() {
  static const std::vector<ElementwiseOp> ops = [] {
    std::vector<ElementwiseOp> list;
#define OP(name, spelling, arity, kind_) list_if_elementwise<Op::name>(list);
#include "ir/ops.def"
#undef OP
    return list;
  }();
  return ops;
}
const ElementwiseOp *elementwise_named(const std::string &name) {
  for (const ElementwiseOp &e : elementwise_ops())
    if (e.language && name == e.language) return &e;
  return nullptr;
}

const std::vector<Composite> &composites() {
  static const std::vector<Composite> list = {
      // elu(a) = a where a > 0, exp(a) - 1 elsewhere
      {"elu", 1, Domain::Real, [](const std::vector<Term> &t) { return max(t[0], 0) + (exp(min(t[0], 0)) - 1); }},
      // leaky_relu(a, s) = a where a > 0, s a elsewhere
      {"leaky_relu", 2, Domain::Real, [](const std::vector<Term> &t) { return max(t[0], 0) + t[1] * min(t[0], 0); }},
      // softsign(a) = a / (1 + |a|)
      {"softsign", 1, Domain::Real, [](const std::vector<Term> &t) { return t[0] / (1 + abs(t[0])); }},
  };
  return list;
}

const Composite *composite_named(const std::string &name) {
  for (const Composite &c : composites())
    if (name == c.language) return &c;
  return nullptr;
}

} // namespace aec::ir
