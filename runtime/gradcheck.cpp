#include "runtime/gradcheck.h"
#include "driver/driver.h"
#include "eval/finite_difference.h"
#include "eval/reference.h"
#include "runtime/init.h"
#include "source/diagnostics.h"

#include <algorithm>
#include <random>

namespace aec::runtime {

double gradient_error(const Eigen::VectorXd &symbolic, const Eigen::VectorXd &numeric) {
  return numeric.norm() == 0 ? symbolic.norm() : (symbolic - numeric).norm() / numeric.norm(); // both zero: exact
}

std::vector<GradcheckEntry> gradcheck(const Model &m, const Dataset &data, int64_t samples, int64_t entries_per_param) {
  ir::Graph g = driver::training_graph(m);
  std::mt19937_64 rng(1);
  eval::Bindings<double> b;
  samples = std::min(samples, data.n);
  for (const InputInfo &in : m.inputs) {
    std::optional<InputColumns> cols = data.columns(in.name, &in == &m.inputs.front());
    if (!cols) throw InputError("input " + in.name + " has no data: bind it with --data " + in.name + "=SOURCE");
    eval::Mat<double> &v = b.inputs[in.name];
    v.resize(cols->width, samples);
    for (int64_t s = 0; s < samples; ++s)
      for (int64_t j = 0; j < cols->width; ++j) v(j, s) = data.value(s, cols->offset + j);
  }
  std::normal_distribution<double> normal;
  for (const ParamInfo &p : m.params) { // a per-sample param: one column per sample
    std::vector<float> v = initialize_storage(p, samples, rng);
    eval::Mat<double> &value = b.params[p.name];
    value = Eigen::Map<Eigen::MatrixXf>(v.data(), p.shape.numel(), p.per_sample ? samples : 1).cast<double>();
    // Off the initializer's special points (zeros would hide every term a zero code multiplies).
    for (Eigen::Index i = 0; i < value.size(); ++i) value.data()[i] += kPerturbation * normal(rng);
  }
  std::uniform_real_distribution<double> unit;
  for (size_t i = 0; i < g.size(); ++i) {
    const ir::Node &n = g.node(static_cast<ir::NodeId>(i));
    if (!ir::is_noise(n.op)) continue;
    eval::Mat<double> v(n.shape.numel(), samples);
    for (Eigen::Index j = 0; j < v.size(); ++j)
      v.data()[j] = n.op == ir::Op::RandN ? normal(rng) : n.op == ir::Op::RandU ? unit(rng) : (unit(rng) < n.attr.value ? 1.0 : 0.0);
    b.noise[n.attr.id] = v;
  }

  auto loss = [&] { return eval::evaluate(g, {g.output("loss")}, b)[0](0, 0); };
  std::vector<GradcheckEntry> out;
  for (const ParamInfo &p : m.params) {
    eval::Mat<double> grad = eval::evaluate(g, {g.output("grad." + p.name)}, b)[0];
    if (!p.affects_objective) { // finite differences of a constant are rounding noise: exactly zero is right
      out.push_back({p.name, size_t(grad.size()), grad.isZero(0) ? 0.0 : 1.0, true});
      continue;
    }
    eval::Mat<double> &value = b.params[p.name];
    std::vector<Eigen::Index> idx(static_cast<size_t>(value.size())); // every entry of every sample's row
    for (size_t i = 0; i < idx.size(); ++i) idx[i] = static_cast<Eigen::Index>(i);
    std::shuffle(idx.begin(), idx.end(), rng);
    idx.resize(std::min<size_t>(idx.size(), static_cast<size_t>(entries_per_param)));
    Eigen::VectorXd sym(idx.size()), num(idx.size());
    for (size_t k = 0; k < idx.size(); ++k) {
      sym[k] = grad.data()[idx[k]];
      num[k] = eval::central_difference(value.data()[idx[k]], loss);
    }
    out.push_back({p.name, idx.size(), gradient_error(sym, num)});
  }
  return out;
}

} // namespace aec::runtime
