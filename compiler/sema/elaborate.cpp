// The sema driver: declarations first, then every value, the objective and the outputs in the
// order the program states them, so the first error reported is the first in the file.
#include "ir/algorithms.h"
#include "sema/elaborator.h"

#include <algorithm>
#include <map>
#include <set>

namespace aec {

const InputInfo *Model::input(const std::string &name) const {
  for (const InputInfo &i : inputs)
    if (i.name == name) return &i;
  return nullptr;
}

const ParamInfo *Model::param(const std::string &name) const {
  for (const ParamInfo &p : params)
    if (p.name == name) return &p;
  return nullptr;
}

namespace sema {

void Elaborator::register_batch_statistics() {
  std::vector<ir::NodeId> roots;
  for (const ir::Output &o : g().outputs) roots.push_back(o.node);
  std::vector<ir::NodeId> found;
  for (ir::NodeId n : ir::live_in_topological_order(g(), roots))
    if (g().node(n).op == ir::Op::BatchMean && g().node(n).attr.id > 0) found.push_back(n);
  std::sort(found.begin(), found.end(), [&](ir::NodeId a, ir::NodeId b) { return g().node(a).attr.id < g().node(b).attr.id; });
  std::map<ir::NodeId, int> level;
  for (ir::NodeId n : ir::live_in_topological_order(g(), found)) // (a statistic after those it reads)
    if (g().node(n).op == ir::Op::BatchMean && g().node(n).attr.id > 0) {
      int below = 0;
      for (ir::NodeId m : ir::live_in_topological_order(g(), {g().node(n).in[0]}))
        if (level.count(m)) below = std::max(below, level[m]);
      level[n] = below + 1;
    }
  for (ir::NodeId n : found) {
    std::string name = "batch_mean." + std::to_string(g().node(n).attr.id);
    model_.batch_statistics.push_back({name, g().shape(n), g().node(n).span, level[n]});
    g().outputs.push_back({"stat." + name, n});
  }
}

Model Elaborator::run() {
  model_.source = prog_.source;
  model_.overrides = opts_.overrides;
  collect_declarations();
  resolve_dims();
  declare_params();
  resolve_function_subscripts();
  validate_train_options();
  validate_checks();

  for (const ast::Stmt &s : prog_.stmts) {
    switch (s.kind) {
    case ast::StmtKind::Assign: {
      ast::Expr ref;
      ref.kind = ast::ExprKind::Name;
      ref.name = s.name;
      ref.span = s.name_span;
      name(ref);
      break;
    }
    case ast::StmtKind::Minimize: {
      ir::NodeId obj = expr(s.body);
      if (g().shape(obj).rank != 0)
        fail(s.body->span, "minimize needs a scalar objective, but " + describe(*s.body, obj) + " is not one; sum it or take a norm");
      if (!g().batched(obj)) obj = g().unary(ir::Op::BatchBroadcast, obj, s.body->extent);
      g().outputs.push_back({"loss", g().unary(ir::Op::BatchMean, obj, s.body->extent)});
      g().outputs.push_back({"objective", obj});
      break;
    }
    case ast::StmtKind::Output: {
      ir::NodeId v = expr(s.body);
      if (!g().batched(v)) v = g().unary(ir::Op::BatchBroadcast, v, s.body->span);
      g().outputs.push_back({"out." + s.name, v});
      break;
    }
    default: break;
    }
  }
  mark_params_the_objective_ignores();
  register_batch_statistics();
  return std::move(model_);
}

// A param the objective never reads keeps its initial value whatever training does: `aec check`
// and `aec train` warn about it, and gradcheck expects its gradient to be exactly zero.
void Elaborator::mark_params_the_objective_ignores() {
  ir::NodeId loss = g().output("loss");
  if (loss < 0) return;
  const std::set<std::string> read = ir::params_read(g(), loss);
  for (ParamInfo &p : model_.params) p.affects_objective = read.count(p.name) > 0;
}

} // namespace sema

Model elaborate(const ast::Program &program, const ElaborateOptions &opts) { return sema::Elaborator(program, opts).run(); }

} // namespace aec
