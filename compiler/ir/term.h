// Arithmetic on graph nodes, so the op table's rules read like their math: with Terms a and b,
// `a * (1 - b)` adds Mul(a, Sub(1, b)) to the graph at the span of the rule's node. A Term can
// be `none` (a zero derivative); combining it with anything is a bug.
#pragma once
#include "ir/graph.h"

namespace aec::ir {

class Term {
public:
  Term(Graph &g, NodeId id, Span span) : g_(&g), id_(id), span_(span) {}
  NodeId id() const { return id_; }
  bool none() const { return id_ < 0; }
  Graph &graph() const { return *g_; }
  Span span() const { return span_; }
  Term with(NodeId id) const { return {*g_, id, span_}; }
  Term constant(double v) const { return with(g_->constant(v)); }
  Term zero_derivative() const { return with(-1); }

private:
  Graph *g_;
  NodeId id_;
  Span span_;
};

Term apply(Op op, Term a);
Term apply(Op op, Term a, Term b);
Term power(Term a, double p); // a ^ p, p a constant

inline Term operator+(Term a, Term b) { return apply(Op::Add, a, b); }
inline Term operator-(Term a, Term b) { return apply(Op::Sub, a, b); }
inline Term operator*(Term a, Term b) { return apply(Op::Mul, a, b); }
inline Term operator/(Term a, Term b) { return apply(Op::Div, a, b); }
inline Term operator-(Term a) { return apply(Op::Neg, a); }
inline Term operator+(Term a, double b) { return a + a.constant(b); }
inline Term operator-(Term a, double b) { return a - a.constant(b); }
inline Term operator+(double a, Term b) { return b.constant(a) + b; }
inline Term operator-(double a, Term b) { return b.constant(a) - b; }
inline Term operator*(double a, Term b) { return b.constant(a) * b; }
inline Term operator*(Term a, double b) { return a * a.constant(b); }

inline Term abs(Term a) { return apply(Op::Abs, a); }
inline Term sigmoid(Term a) { return apply(Op::Sigmoid, a); }
inline Term exp(Term a) { return apply(Op::Exp, a); }
inline Term square(Term a) { return apply(Op::Square, a); }
inline Term step(Term a) { return apply(Op::Step, a); }
inline Term sign(Term a) { return apply(Op::Sign, a); }
inline Term max(Term a, Term b) { return apply(Op::Max, a, b); }
inline Term min(Term a, Term b) { return apply(Op::Min, a, b); }
inline Term max(Term a, double b) { return max(a, a.constant(b)); }
inline Term min(Term a, double b) { return min(a, a.constant(b)); }

} // namespace aec::ir
