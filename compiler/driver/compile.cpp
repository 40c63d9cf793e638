// How a model becomes a kernel, stage by stage (sema has already made the forward graph).
#include "driver/compile.h"
#include "driver/driver.h"
#include "ir/algorithms.h"

#include <stdexcept>

namespace aec::driver {
namespace {

// Hands each stage's graph on, printing it after the stage the options name.
class Stages {
public:
  explicit Stages(const Options &o) : o_(o) {}
  ir::Graph after(const std::string &stage, ir::Graph g) const {
    if (o_.trace && o_.print_after == stage) *o_.trace << "; after " << stage << "\n" << ir::to_text(g);
    return g;
  }

private:
  const Options &o_;
};

} // namespace

std::vector<std::string> stage_names() {
  std::vector<std::string> names = {"lower", "presimplify", "differentiate", "select"};
  for (const passes::Pass &p : passes::pipeline()) names.push_back(p.name);
  return names;
}

namespace {
// Each batch_mean node -> a param of its statistic's name (its outputs "stat.*" go with it).
ir::Graph fix_batch_statistics(const Model &m, ir::Graph g) {
  std::vector<ir::Output> kept;
  for (const ir::Output &o : g.outputs)
    if (!o.name.starts_with("stat.")) kept.push_back(o);
  for (const BatchStatistic &s : m.batch_statistics) {
    ir::NodeId stat = g.output("stat." + s.name);
    ir::Attr a;
    a.name = s.name;
    ir::NodeId fixed = g.leaf(ir::Op::Param, s.shape, false, a, s.span);
    for (ir::Output &o : kept) o.node = ir::substitute(g, o.node, stat, fixed);
  }
  g.outputs = kept;
  return g;
}
} // namespace

ir::Graph optimized_graph(const Model &m, const Request &what, const Options &options) {
  Stages stages(options);
  ir::Graph g = stages.after("lower", m.graph); // sema's forward graph: loss, objective, out.*, stat.*
  if (what.fixed_batch_statistics) g = fix_batch_statistics(m, g);
  if (what.gradients) {
    // Closed forms (Jacobian norms) are what gets differentiated, not the per-sample Jacobians
    // they replace.
    g = stages.after("presimplify", passes::simplify(g, options.passes));
    g = stages.after("differentiate", add_gradients(m, g));
  }
  if (!what.outputs.empty()) g = stages.after("select", select_outputs(g, what.outputs));
  g = passes::remove_dead_nodes(g, options.passes);
  for (const passes::Pass &p : passes::pipeline()) g = stages.after(p.name, p.run(g, options.passes));
  return g;
}

std::unique_ptr<codegen::Kernel> compile(const Model &m, const Request &what, const Options &options) {
  // Schedule (fusion, memory plan), LLVM IR, optimization for this CPU, JIT.
  return codegen::Kernel::compile(optimized_graph(m, what, options), what.name, options.codegen);
}

} // namespace aec::driver
