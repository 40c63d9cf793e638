#include "support/jit_check.h"
#include "runtime/executor.h"
#include "runtime/work_sharing.h"
#include "support/test_support.h"

namespace aec::test {

std::vector<JitError> jit_errors(const Model &m, const ir::Graph &g, int batch, uint64_t seed, int threads) {
  // A kernel compiled for a team shares its loops over samples.
  auto kernel = codegen::Kernel::compile(g, "under_test", runtime::kernel_options(batch, threads).codegen);
  auto bind = random_bindings<float>(m, g, batch, seed);

  runtime::Executor ex(*kernel, batch);
  for (auto &[pname, value] : bind.params) {
    if (float *rows = ex.per_sample_param(pname)) std::copy(value.data(), value.data() + value.size(), rows);
    else ex.bind_param(pname, value.data());
  }
  for (const InputInfo &in : m.inputs) {
    const eval::Mat<float> &v = m.inputs.size() == 1 ? bind.input : bind.inputs.at(in.name);
    if (float *dst = ex.input(in.name)) std::copy(v.data(), v.data() + v.size(), dst);
  }
  for (auto &nb : ex.noise()) {
    const auto &v = bind.noise.at(nb.node->attr.id);
    std::copy(v.data(), v.data() + v.size(), nb.data);
  }
  runtime::set_team_size(threads);
  ex.run(batch);
  runtime::set_team_size(1);

  std::vector<ir::NodeId> roots;
  for (const ir::Output &o : g.outputs) roots.push_back(o.node);
  auto expected = eval::evaluate(g, roots, bind);
  eval::Bindings<double> exact; // the same values, evaluated in double
  exact.input = bind.input.cast<double>();
  for (auto &[name, v] : bind.inputs) exact.inputs[name] = v.cast<double>();
  for (auto &[name, v] : bind.params) exact.params[name] = v.cast<double>();
  for (auto &[id, v] : bind.noise) exact.noise[id] = v.cast<double>();
  auto in_double = eval::evaluate(g, roots, exact);
  std::vector<JitError> errors;
  for (size_t k = 0; k < g.outputs.size(); ++k) {
    const auto &e = expected[k];
    Eigen::Map<const eval::Mat<float>> got(ex.output(g.outputs[k].name), e.rows(), e.cols());
    const double absolute = (got.cast<double>() - e.cast<double>()).norm();
    errors.push_back({g.outputs[k].name, relative_error(got.cast<double>(), e.cast<double>()), absolute, e.cast<double>().norm(),
                      (e.cast<double>() - in_double[k]).norm()});
  }
  return errors;
}

} // namespace aec::test
