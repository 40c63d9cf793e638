// How a model becomes a kernel, stage by stage (sema has already made the forward graph).
#include "driver/compile.h"
#include "driver/driver.h"
#include "ir/algorithms.h"

#include <algorithm>
#include <numeric>
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
ir::NodeId param_leaf(ir::Graph &g, const std::string &name, const ir::Shape &shape, Span span) {
  ir::Attr a;
  a.name = name;
  return g.leaf(ir::Op::Param, shape, false, a, span);
}

// Each batch_mean node -> a param of its statistic's name (Statistics::Fixed); with `chunked`,
// also the outputs Statistics::Chunked describes.
ir::Graph fix_batch_statistics(const Model &m, ir::Graph g, bool chunked) {
  std::vector<ir::NodeId> stats, fixed;
  for (const BatchStatistic &s : m.batch_statistics) {
    stats.push_back(g.output("stat." + s.name));
    fixed.push_back(param_leaf(g, s.name, s.shape, s.span));
  }
  // Highest level first: substituting a statistic rebuilds the statistics that read it, which
  // would then no longer be found.
  std::vector<size_t> by_level(stats.size());
  std::iota(by_level.begin(), by_level.end(), size_t(0));
  std::stable_sort(by_level.begin(), by_level.end(),
                   [&](size_t a, size_t b) { return m.batch_statistics[a].level > m.batch_statistics[b].level; });
  auto with_fixed_statistics = [&](ir::NodeId n) {
    for (size_t k : by_level) n = ir::substitute(g, n, stats[k], fixed[k]);
    return n;
  };
  std::vector<ir::Output> kept;
  for (const ir::Output &o : g.outputs)
    if (!o.name.starts_with("stat.")) kept.push_back({o.name, with_fixed_statistics(o.node)});
  if (chunked) {
    ir::NodeId surrogate = -1;
    for (const ir::Output &o : kept)
      if (o.name == "loss") surrogate = o.node;
    if (surrogate < 0) throw std::logic_error("batch statistics in chunks need the objective's loss");
    for (size_t k = 0; k < stats.size(); ++k) {
      const BatchStatistic &s = m.batch_statistics[k];
      const ir::NodeId per_sample = with_fixed_statistics(g.node(stats[k]).in[0]);
      const ir::NodeId mean = g.unary(ir::Op::BatchMean, per_sample, s.span); // (no attr.id: not a statistic)
      kept.push_back({"stat_mean." + s.name, mean});
      const ir::NodeId weighted = g.binary(ir::Op::Mul, param_leaf(g, "cotangent." + s.name, s.shape, s.span), mean, s.span);
      surrogate = g.binary(ir::Op::Add, surrogate, g.unary(ir::Op::SumAll, weighted, s.span), s.span);
    }
    kept.push_back({"surrogate", surrogate});
  }
  g.outputs = kept;
  return g;
}

// What gradients are taken by: the params, and with Statistics::Chunked the statistics.
std::vector<ParamInfo> differentiated_by(const Model &m, Statistics statistics) {
  std::vector<ParamInfo> by = m.params;
  if (statistics == Statistics::Chunked)
    for (const BatchStatistic &s : m.batch_statistics) by.push_back({s.name, s.shape, false, "", {}, s.span});
  return by;
}
} // namespace

ir::Graph optimized_graph(const Model &m, const Request &what, const Options &options) {
  Stages stages(options);
  ir::Graph g = stages.after("lower", m.graph); // sema's forward graph: loss, objective, out.*, stat.*
  if (what.statistics != Statistics::OfTheBatch) g = fix_batch_statistics(m, g, what.statistics == Statistics::Chunked);
  if (what.gradients) {
    // Closed forms (Jacobian norms) are what gets differentiated, not the per-sample Jacobians
    // they replace.
    g = stages.after("presimplify", passes::simplify(g, options.passes));
    const std::string root = what.statistics == Statistics::Chunked ? "surrogate" : "loss";
    g = stages.after("differentiate", add_gradients(g, root, differentiated_by(m, what.statistics)));
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
