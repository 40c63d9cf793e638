// Graph-building arithmetic for the op table's rules (see term.h).
#include "ir/term.h"

#include <stdexcept>

namespace aec::ir {
namespace {

void require(Term t) {
  if (t.none()) throw std::logic_error("a rule combined a zero derivative");
}

} // namespace

Term apply(Op op, Term a) {
  require(a);
  return a.with(a.graph().add(op, {a.id()}, {}, a.span()));
}

Term apply(Op op, Term a, Term b) {
  require(a);
  require(b);
  return a.with(a.graph().add(op, {a.id(), b.id()}, {}, a.span()));
}

Term power(Term a, double p) {
  require(a);
  Attr attr;
  attr.value = p;
  return a.with(a.graph().add(Op::PowC, {a.id()}, attr, a.span()));
}

} // namespace aec::ir
