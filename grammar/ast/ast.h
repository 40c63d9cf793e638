// The abstract syntax tree of a .ae program, as written: no names resolved, no shapes.
#pragma once
#include "source/diagnostics.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace aec::ast {

enum class ExprKind { Number, Name, Call, Neg, Binary, Power, Transpose, Norm, Unroll };
enum class BinOp { Add, Sub, MatMul, EMul, EDiv, Div };
enum class NormKind { L2, L1, Frobenius };

struct Expr;
using ExprPtr = std::shared_ptr<const Expr>;

// A size in a shape or an unroll count: an integer literal or a dim's name.
struct Size {
  std::optional<long> value;
  std::string name;
  Span span;
};

// How deep the compiler may recurse into one expression: brackets, norms, calls, unrolls, unary
// signs and suffixes each go one level down. A chain of binary operators (a + b + c ...) costs
// no depth along its left operands, which every walk over the tree follows in a loop, so a sum
// of 100000 terms is one level. Deeper input is refused before anything recursive reads it: by
// the parser's token check (grammar/nesting.h) and, for the tree, by the AST builder.
inline constexpr int kMaxNesting = 256;

struct Expr;
// `stride=2` in a call's arguments.
struct Keyword {
  std::string name;
  Span span; // the keyword's name
  std::shared_ptr<const Expr> value;
};

struct Expr {
  // Frees a deep tree (a long chain of operators) without recursing along it.
  ~Expr();

  ExprKind kind;
  Span span;        // the operator token for operators, the whole token otherwise
  Span extent;      // the whole expression, when it is on one line; else its first token
  std::string text; // the source text of the whole expression, for messages
  double number = 0;
  std::string name;      // Name, Call (callee), Unroll (the loop variable)
  BinOp op = BinOp::Add; // Binary
  NormKind norm = NormKind::L2;
  std::vector<ExprPtr> args;     // operands, call arguments; Unroll: init, step; Power: base, exponent
  std::vector<Keyword> keywords; // Call: the keyword arguments, after the positional ones
  Size count;                    // Unroll
  int nesting = 0;               // see kMaxNesting: set by nesting_of when the node is made (0 for a leaf)
};

// The nesting of an expression of this kind over these operands (kMaxNesting): one more than its
// deepest operand's (0 without operands), except that a binary operator's left operand stands at
// its own level.
int nesting_of(ExprKind kind, const std::vector<ExprPtr> &args);
// What a program nested deeper than kMaxNesting is told.
std::string too_deep_message();

enum class StmtKind { Dim, Input, Param, Hyper, Func, Assign, Minimize, Output, Check, Train };

struct Initializer {
  std::string name;
  Span span;
  std::vector<ExprPtr> args;
};

struct TrainOption {
  std::string key;
  std::string value;
  Span span;
};

struct Stmt {
  StmtKind kind;
  Span span; // the statement's keyword or first token
  std::string name;
  Span name_span;
  std::optional<long> dim_value;       // Dim
  std::vector<Size> shape;             // Input, Param
  bool per_sample = false;             // Param
  Initializer init;                    // Param
  double hyper_value = 0;              // Hyper
  std::vector<std::string> subscripts; // Func: f_{W,b} -> {W, b}; braced form only
  bool braced_subscript = false;
  std::vector<std::pair<std::string, Span>> formals; // Func
  ExprPtr body;                                      // Func, Assign, Minimize, Output
  std::vector<ExprPtr> check_args;                   // Check
  std::vector<TrainOption> options;                  // Train
};

struct Program {
  SourcePtr source;
  std::vector<Stmt> stmts;
};

// Prints the AST as an indented tree (`aec compile --emit=ast`).
std::string dump(const Program &p);

} // namespace aec::ast
