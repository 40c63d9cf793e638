// aec gradcheck FILE.ae [--data D] [--samples N]: the compiled (symbolic) gradient of every
// param, evaluated in double precision with the noise draws held fixed, against fourth-order
// central differences of the loss. Exit 2 above tolerance.
#include "commands.h"
#include "driver/driver.h"
#include "eval/finite_difference.h"
#include "eval/reference.h"
#include "runtime/dataset.h"
#include "runtime/init.h"
#include "runtime/trainer.h"

#include <algorithm>
#include <cstdio>
#include <random>

namespace aec::cli {

int cmd_gradcheck(const std::vector<std::string> &argv) {
  Args a(argv, {"data", "samples", "entries", "tol"}, {});
  std::string path = program_path(a, "gradcheck");
  int64_t samples = a.get_int("samples", 1).value_or(4), entries = a.get_int("entries", 1).value_or(20);
  double tol = a.get_double("tol", 0.0).value_or(1e-6);
  runtime::Dataset data = runtime::load_dataset(data_spec(a, std::cout));
  Model m = load_program(path, data.width, a);
  ir::Graph g = driver::training_graph(m);

  std::mt19937_64 rng(1);
  eval::Bindings<double> b;
  samples = std::min(samples, data.n);
  b.input.resize(data.width, samples);
  for (int64_t s = 0; s < samples; ++s)
    for (int64_t j = 0; j < data.width; ++j) b.input(j, s) = data.sample(s)[j];
  for (const ParamInfo &p : m.params) {
    std::vector<float> v = runtime::initialize(p, rng);
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
  double worst = 0;
  for (const ParamInfo &p : m.params) {
    eval::Mat<double> grad = eval::evaluate(g, {g.output("grad." + p.name)}, b)[0];
    std::vector<Eigen::Index> idx(static_cast<size_t>(grad.rows()));
    for (size_t i = 0; i < idx.size(); ++i) idx[i] = static_cast<Eigen::Index>(i);
    std::shuffle(idx.begin(), idx.end(), rng);
    idx.resize(std::min<size_t>(idx.size(), static_cast<size_t>(entries)));
    Eigen::VectorXd sym(idx.size()), num(idx.size());
    for (size_t k = 0; k < idx.size(); ++k) {
      sym[k] = grad(idx[k], 0);
      num[k] = eval::central_difference(b.params[p.name](idx[k], 0), loss);
    }
    double err = (sym - num).norm() / std::max(num.norm(), 1e-300);
    if (num.norm() == 0 && sym.norm() == 0) err = 0;
    worst = std::max(worst, err);
    std::printf("%-12s %8zu entries checked  relative error %.3g\n", p.name.c_str(), idx.size(), err);
  }
  std::printf("worst relative error %.3g (tolerance %.3g): %s\n", worst, tol, worst <= tol ? "ok" : "FAILED");
  return worst <= tol ? 0 : 2;
}

} // namespace aec::cli
