// Private to sema: the state shared by declarations.cpp, expressions.cpp and builtins.cpp.
#pragma once
#include "ir/limits.h"
#include "sema/model.h"

#include <functional>
#include <map>
#include <set>
#include <unordered_map>

namespace aec::sema {

struct FunctionDef {
  const ast::Stmt *stmt;
  std::string base; // the name without its subscript: f_W -> f
  std::vector<std::string> subscripts;
};

[[noreturn]] void fail(Span s, const std::string &message);

// Two sizes (shapes) that cannot be the same, whatever the unbound dims turn out to be.
bool sizes_conflict(ir::Size a, ir::Size b);
bool shapes_conflict(const ir::Shape &a, const ir::Shape &b);

class Elaborator {
public:
  Elaborator(const ast::Program &p, const ElaborateOptions &o) : prog_(p), opts_(o) {}
  Model run();

  // declarations.cpp
  void collect_declarations();
  void resolve_dims();
  void declare_params();
  void resolve_function_subscripts();
  void validate_train_options();
  void validate_checks();
  void mark_params_the_objective_ignores();
  ir::Size size_of(const ast::Size &s);

  // expressions.cpp
  ir::NodeId expr(const ast::ExprPtr &e); // counts the expansion, bounds the value's size
  void count_expansion(const ast::Expr &e);
  ir::NodeId bounded(const ast::Expr &e, ir::NodeId v); // v, unless it is too large a value
  ir::NodeId elaborate(const ast::Expr &e);
  ir::NodeId name(const ast::Expr &e);
  ir::NodeId binary(const ast::Expr &e);
  bool is_operator(const ast::Expr &e) const; // a binary operator, not a derivative written as one
  ir::NodeId apply_operator(const ast::Expr &e, ir::NodeId a, ir::NodeId b);
  static std::string arguments_text(const ast::Expr &call_site);
  ir::NodeId power(const ast::Expr &e);
  ir::NodeId norm(const ast::Expr &e);
  ir::NodeId unroll(const ast::Expr &e);
  ir::NodeId call_user(const ast::Expr &e, const FunctionDef &f);
  ir::NodeId inline_body(const ast::Stmt &fn, std::unordered_map<std::string, ir::NodeId> frame, const ast::Expr *site);

  // derivatives.cpp: df/dx, d(e)/d(v), grad(e, v)
  bool is_function_jacobian(const ast::Expr &e) const; // `df/dx` where f names a function
  ir::NodeId function_jacobian(const ast::Expr &e);
  bool is_derivative(const ast::Expr &e) const; // `d(e)/d(v)`
  ir::NodeId derivative(const ast::ExprPtr &of, const ast::Expr &v, bool gradient);
  int64_t draw_id(const ast::Expr &call); // the noise draw a randn/rand/bernoulli call site makes
  double constant(const ast::ExprPtr &e); // a compile-time number (literal, hyper, dim)
  std::string describe(const ast::Expr &e, ir::NodeId v) const;
  std::string shape_text(ir::NodeId v) const { return model_.graph.shape_text(model_.graph.shape(v)); }

  // builtins.cpp: returns false when `e` does not call a built-in
  bool builtin(const ast::Expr &e, ir::NodeId &out);
  bool builtin_call(const ast::Expr &e, ir::NodeId &out);
  bool elementwise_function(const ast::Expr &e, ir::NodeId &out);
  // images.cpp: reshape, flatten, conv, conv_t, maxpool, avgpool, upsample
  bool image_builtin(const ast::Expr &e, ir::NodeId &out);
  ir::Size size_argument(const ast::Expr &call, const ast::Expr &a); // a positive integer or a dim

  const ast::Program &prog_;
  const ElaborateOptions &opts_;
  Model model_;
  ir::Graph &g() { return model_.graph; }

  std::vector<const ast::Stmt *> inputs_; // the input statements, in order
  const ast::Stmt *minimize_ = nullptr;
  std::unordered_map<std::string, const ast::Stmt *> globals_; // every declared name
  std::unordered_map<std::string, FunctionDef> functions_;     // by full and by base name
  std::unordered_map<std::string, ir::NodeId> param_nodes_;
  std::unordered_map<std::string, ir::NodeId> value_cache_; // named values, once each
  std::set<std::string> values_in_progress_;
  std::vector<std::string> call_stack_;
  // What is being expanded (calls being inlined, unrolls being repeated), outermost first: a
  // program that grows past ir::kMaxExpansion is refused at the outermost of them.
  struct Expansion {
    const ast::Expr *site;
    int64_t steps; // an unroll's step count; 1 for a call
  };
  std::vector<Expansion> expanding_;
  int64_t expanded_ = 0;
  [[noreturn]] void fail_expansion(const ast::Expr &here);
  std::vector<std::unordered_map<std::string, ir::NodeId>> locals_;
  // A name bound to a stand-in while a derivative with respect to it is elaborated; it wins over
  // the globals, also inside named values (which are then elaborated afresh, not from the cache).
  std::unordered_map<std::string, ir::NodeId> overrides_;
  // Noise: one draw per call site and context (the call sites and unroll steps leading to it),
  // so elaborating a value again for a derivative reuses its draws instead of making new ones.
  std::vector<std::string> draw_context_;
  std::map<std::string, int64_t> draws_;
  int64_t next_var_ = 0;
  int64_t batch_statistics_made_ = 0; // batch_mean calls elaborated: their BatchMean nodes' ids
  void register_batch_statistics();   // the ones the outputs read: Model::batch_statistics
};

} // namespace aec::sema
