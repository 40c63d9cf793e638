#include "runtime/gradcheck.h"
#include "driver/driver.h"
#include "eval/finite_difference.h"
#include "eval/reference.h"
#include "runtime/init.h"

#include <algorithm>
#include <random>

namespace aec::runtime {

std::vector<GradcheckEntry> gradcheck(const Model &m, const Dataset &data, int64_t samples, int64_t entries_per_param) {
  ir::Graph g = driver::training_graph(m);
  std::mt19937_64 rng(1);
  eval::Bindings<double> b;
  samples = std::min(samples, data.n);
  b.input.resize(data.width, samples);
  for (int64_t s = 0; s < samples; ++s)
    for (int64_t j = 0; j < data.width; ++j) b.input(j, s) = data.sample(s)[j];
  for (const ParamInfo &p : m.params) {
    std::vector<float> v = initialize(p, rng);
    b.params[p.name] = Eigen::Map<Eigen::VectorXf>(v.data(), static_cast<Eigen::Index>(v.size())).cast<double>();
  }
  std::normal_distribution<double> normal;
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
    std::vector<Eigen::Index> idx(static_cast<size_t>(grad.rows()));
    for (size_t i = 0; i < idx.size(); ++i) idx[i] = static_cast<Eigen::Index>(i);
    std::shuffle(idx.begin(), idx.end(), rng);
    idx.resize(std::min<size_t>(idx.size(), static_cast<size_t>(entries_per_param)));
    Eigen::VectorXd sym(idx.size()), num(idx.size());
    for (size_t k = 0; k < idx.size(); ++k) {
      sym[k] = grad(idx[k], 0);
      num[k] = eval::central_difference(b.params[p.name](idx[k], 0), loss);
    }
    double err = num.norm() == 0 ? sym.norm() : (sym - num).norm() / num.norm();
    out.push_back({p.name, idx.size(), err});
  }
  return out;
}

} // namespace aec::runtime
