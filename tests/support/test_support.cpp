#include "support/test_support.h"
#include "eval/finite_difference.h"
#include "passes/passes.h"

#include <algorithm>
#include <filesystem>

namespace aec::test {

std::string example_path(const std::string &name) { return std::string(AEC_EXAMPLES_DIR) + "/" + name + ".ae"; }

Model load_example(const std::string &name, ir::Size width, std::map<std::string, std::string> overrides) {
  ElaborateOptions o;
  o.data_width = width;
  o.overrides = std::move(overrides);
  return driver::load_model(driver::read_source(example_path(name)), o);
}

ir::Size example_width(const std::string &name, ir::Size preferred) { return name == "conv_ae" ? 784 : preferred; }

Model load_text(const std::string &text, std::optional<ir::Size> width) {
  ElaborateOptions o;
  o.data_width = width;
  return driver::load_model(driver::source_from_string("test.ae", text), o);
}

std::vector<std::string> example_names() {
  std::vector<std::string> names;
  for (const auto &e : std::filesystem::directory_iterator(AEC_EXAMPLES_DIR))
    if (e.path().extension() == ".ae") names.push_back(e.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::map<std::string, std::string> small_overrides(const std::string &model) {
  if (model == "relu_ae") return {{"h", "7"}, {"k", "4"}};
  if (model == "pca_tied" || model == "pca_untied" || model == "denoising" || model == "contractive" || model == "param2_inverse")
    return {{"k", "5"}};
  if (model == "denoising_contractive") return {{"h", "7"}, {"k", "4"}};
  if (model == "factorization" || model == "psd" || model == "sparse_coding") return {{"k", "4"}};
  if (model == "deep_decoder") return {{"h", "6"}, {"k", "3"}};
  if (model == "vae") return {{"h", "6"}, {"k", "3"}};
  if (model == "sparse_ae" || model == "masking" || model == "robust_ae" || model == "param3_shared") return {{"k", "4"}};
  if (model == "unrolled_ls") return {{"k", "3"}, {"T", "4"}};
  if (model == "sparse_ae_kl") return {{"k", "5"}};
  if (model == "classifier") return {{"h", "7"}, {"k", "5"}};
  return {};
}

template <class T> eval::Bindings<T> random_bindings(const Model &m, const ir::Graph &g, int batch, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  eval::Bindings<T> b;
  for (const InputInfo &in : m.inputs) { // one input: b.input; several: by name
    eval::Mat<T> &v = m.inputs.size() == 1 ? b.input : b.inputs[in.name];
    v.resize(in.width, batch);
    for (Eigen::Index i = 0; i < v.size(); ++i) v.data()[i] = static_cast<T>(unit(rng));
  }
  for (const ParamInfo &p : m.params) {
    eval::Mat<T> v(p.shape.numel(), p.per_sample ? batch : 1);
    double scale = 1.0 / std::sqrt(static_cast<double>(std::max<int64_t>(p.shape.cols(), 1)));
    for (Eigen::Index i = 0; i < v.size(); ++i) v.data()[i] = static_cast<T>(scale * normal(rng));
    b.params[p.name] = v;
  }
  for (size_t i = 0; i < g.size(); ++i) {
    const ir::Node &n = g.node(static_cast<ir::NodeId>(i));
    if (!ir::is_noise(n.op)) continue;
    eval::Mat<T> v(n.shape.numel(), batch);
    for (Eigen::Index j = 0; j < v.size(); ++j) {
      double u = unit(rng);
      v.data()[j] = static_cast<T>(n.op == ir::Op::RandN ? normal(rng) : n.op == ir::Op::RandU ? u : (u < n.attr.value ? 1.0 : 0.0));
    }
    b.noise[n.attr.id] = v;
  }
  return b;
}
template eval::Bindings<double> random_bindings(const Model &, const ir::Graph &, int, uint64_t);
template eval::Bindings<float> random_bindings(const Model &, const ir::Graph &, int, uint64_t);

std::vector<std::pair<std::string, double>> gradient_errors(const Model &m, const ir::Graph &g, int batch, uint64_t seed, size_t entries) {
  auto bind = random_bindings<double>(m, g, batch, seed);
  auto loss = [&] { return eval::evaluate(g, {g.output("loss")}, bind)[0](0, 0); };
  std::mt19937 pick(static_cast<unsigned>(seed + 4));
  std::vector<std::pair<std::string, double>> errors;
  for (const ParamInfo &p : m.params) {
    eval::Mat<double> analytic = eval::evaluate(g, {g.output("grad." + p.name)}, bind)[0];
    std::vector<Eigen::Index> chosen;
    for (Eigen::Index i = 0; i < analytic.size(); ++i) chosen.push_back(i);
    if (chosen.size() > entries) {
      std::shuffle(chosen.begin(), chosen.end(), pick);
      chosen.resize(entries);
    }
    eval::Mat<double> numeric(chosen.size(), 1), sampled(chosen.size(), 1);
    for (size_t k = 0; k < chosen.size(); ++k) {
      sampled(Eigen::Index(k), 0) = analytic.data()[chosen[k]];
      numeric(Eigen::Index(k), 0) = eval::central_difference(bind.params[p.name].data()[chosen[k]], loss);
    }
    // Finite differences resolve a gradient only down to about 1e-11 of the loss (the reference
    // evaluator's sums round differently with the alignment of its buffers, so even a param the
    // loss ignores gets ~1e-14 from them): errors are relative to the gradient or to that floor.
    const double floor = 1e-6 * (1 + std::abs(loss()));
    errors.push_back({p.name, (sampled - numeric).norm() / std::max(numeric.norm(), floor)});
  }
  return errors;
}

double relative_error(const eval::Mat<double> &a, const eval::Mat<double> &b) { return (a - b).norm() / std::max(b.norm(), 1e-300); }

ir::Graph optimize_verifying_every_pass(const ir::Graph &g) {
  auto verified = [](const passes::Pass &p, ir::Graph out) {
    try {
      passes::verify(out);
    } catch (const std::logic_error &e) {
      throw std::logic_error(std::string("after ") + p.name + ": " + e.what());
    }
    return out;
  };
  ir::Graph cur = passes::remove_dead_nodes(g);
  for (const passes::Pass &p : passes::algebraic_passes()) verified(p, p.run(cur, {})); // each alone
  for (const passes::Pass &p : passes::pipeline()) cur = verified(p, p.run(cur, {}));
  return cur;
}

} // namespace aec::test
