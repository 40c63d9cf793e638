#include "runtime/non_finite.h"
#include "driver/driver.h"
#include "runtime/source_text.h"

#include <cmath>

namespace aec::runtime {

namespace {

// The first column (sample) and the kind of the first non-finite entry.
std::string first_bad_entry(const eval::Mat<float> &v, bool batched) {
  for (Eigen::Index c = 0; c < v.cols(); ++c)
    for (Eigen::Index r = 0; r < v.rows(); ++r)
      if (!std::isfinite(v(r, c))) {
        std::string kind = std::isnan(v(r, c)) ? "NaN" : v(r, c) > 0 ? "+infinity" : "-infinity";
        return kind + (batched ? " for sample " + std::to_string(c) + " of the batch" : "");
      }
  return "";
}

double largest_magnitude(const std::vector<const eval::Mat<float> *> &operands) {
  double m = 0;
  for (const auto *v : operands)
    if (v->size()) m = std::max(m, double(v->cwiseAbs().maxCoeff()));
  return m;
}

// Scans `g` in evaluation order for the first node that turns finite operands into a
// non-finite value. In the derivative (`gradient`), the node is named by the forward expression
// whose span it carries and the op of the derivative that failed.
std::optional<Diagnostic> scan(const Model &m, const ir::Graph &g, const eval::Bindings<float> &b, bool gradient) {
  std::vector<ir::NodeId> roots;
  for (ir::NodeId id = 0; id < ir::NodeId(g.size()); ++id)
    if (g.node(id).op != ir::Op::Var) roots.push_back(id);
  std::vector<eval::Mat<float>> values = eval::evaluate(g, roots, b);
  std::vector<const eval::Mat<float> *> by_id(g.size(), nullptr);
  for (size_t k = 0; k < roots.size(); ++k) by_id[size_t(roots[k])] = &values[k];
  for (ir::NodeId id : roots) { // node ids are a topological order: operands come first
    const ir::Node &n = g.node(id);
    const eval::Mat<float> &v = *by_id[size_t(id)];
    if (v.allFinite()) continue;
    if (n.op == ir::Op::Param)
      return Diagnostic{n.span, "param " + n.attr.name + " holds " + first_bad_entry(v, false) + " (the previous update overflowed)", {}};
    std::vector<const eval::Mat<float> *> operands;
    for (ir::NodeId i : n.in) operands.push_back(by_id[size_t(i)]);
    char magnitude[64];
    std::snprintf(magnitude, sizeof magnitude, "%.4g", largest_magnitude(operands));
    std::string name = "`" + source_text(m, n.span, n.op) + "`";
    std::string from = operands.empty() ? "" : std::string("from finite operands (largest magnitude ") + magnitude + ")";
    std::string message = gradient ? "the gradient through " + name + " becomes " + first_bad_entry(v, n.batched) + " (at a " +
                                         ir::info(n.op).spelling + " of its derivative, " + from + ")"
                                   : name + " gives " + first_bad_entry(v, n.batched) + (from.empty() ? "" : " " + from);
    return Diagnostic{n.span, message, {}};
  }
  return std::nullopt;
}

} // namespace

eval::Bindings<float> batch_bindings(const Model &m, Executor &ex, const ParamStore &params, int64_t count) {
  eval::Bindings<float> b;
  for (const InputInfo &in : m.inputs) {
    if (const float *input = ex.input(in.name)) b.inputs[in.name] = Eigen::Map<const eval::Mat<float>>(input, in.width, count);
    else b.inputs[in.name] = eval::Mat<float>::Zero(in.width, count);
  }
  for (const ParamInfo &p : m.params) {
    const int64_t w = p.shape.numel();
    if (!p.per_sample) {
      b.params[p.name] = Eigen::Map<const eval::Mat<float>>(params.at(p.name).data(), w, 1);
    } else if (const float *rows = ex.per_sample_param(p.name)) {
      b.params[p.name] = Eigen::Map<const eval::Mat<float>>(rows, w, count);
    }
  }
  for (auto &nb : ex.noise()) b.noise[nb.node->attr.id] = Eigen::Map<const eval::Mat<float>>(nb.data, nb.node->shape.numel(), count);
  return b;
}

std::optional<Diagnostic> locate_non_finite(const Model &m, const eval::Bindings<float> &batch) {
  try {
    if (auto d = scan(m, m.graph, batch, false)) return d;
    return scan(m, driver::training_graph(m, /*simplify_first=*/false), batch, true);
  } catch (const std::invalid_argument &) { // a value the kernel never read is not bound
    return std::nullopt;
  }
}

} // namespace aec::runtime
