#include "driver/driver.h"
#include "autodiff/autodiff.h"
#include "parse.h"
#include "passes/passes.h"
#include "support/files.h"

namespace aec::driver {

SourcePtr read_source(const std::string &path) { return source_from_string(path, read_whole_file(path)); }

SourcePtr source_from_string(const std::string &name, const std::string &text) {
  return std::make_shared<const SourceFile>(SourceFile{name, text});
}

ast::Program parse(const SourcePtr &source) {
  try {
    return parse_program(source);
  } catch (CompileError &e) {
    e.attach_source(source);
    throw;
  }
}

Model load_model(const SourcePtr &source, const ElaborateOptions &opts) {
  ast::Program program = parse(source);
  try {
    return elaborate(program, opts);
  } catch (CompileError &e) {
    e.attach_source(source);
    throw;
  }
}

ir::Graph training_graph(const Model &m, bool simplify_first) {
  return add_gradients(m, simplify_first ? passes::simplify(m.graph) : m.graph);
}

ir::Graph add_gradients(const Model &m, const ir::Graph &forward) { return add_gradients(forward, "loss", m.params); }

ir::Graph add_gradients(const ir::Graph &forward, const std::string &root, const std::vector<ParamInfo> &params) {
  ir::Graph g = forward;
  std::vector<ir::NodeId> leaves;
  for (const ParamInfo &p : params) {
    ir::Attr a;
    a.name = p.name;
    leaves.push_back(g.leaf(ir::Op::Param, p.shape, p.per_sample, a, p.span));
  }
  std::vector<ir::NodeId> grads = autodiff::gradients(g, g.output(root), leaves);
  for (size_t i = 0; i < leaves.size(); ++i) g.outputs.push_back({"grad." + params[i].name, grads[i]});
  return g;
}

ir::Graph select_outputs(const ir::Graph &g, const std::vector<std::string> &names) {
  ir::Graph out = g;
  out.outputs.clear();
  for (const std::string &n : names) {
    ir::NodeId id = g.output(n);
    if (id < 0) throw std::invalid_argument("the graph has no output " + n);
    out.outputs.push_back({n, id});
  }
  return passes::remove_dead_nodes(out);
}

} // namespace aec::driver
