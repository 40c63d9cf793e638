#include "runtime/run_output.h"
#include "codegen/kernel.h"
#include "driver/driver.h"
#include "passes/passes.h"
#include "runtime/batch_io.h"
#include "runtime/init.h"
#include "runtime/memory_plan.h"
#include "runtime/optimizer.h"
#include "runtime/trainer.h"
#include "support/diagnostics.h"

#include <algorithm>
#include <numeric>

namespace aec::runtime {

namespace {

void set_noise(Executor &ex, int64_t count, bool draw, std::mt19937_64 &rng) {
  if (draw) draw_noise(ex, count, rng);
  else mean_noise(ex, count);
}

// Fits the per-sample params' rows of one batch (already in the executor's buffers) by Adam on
// the batch's objective, everything else frozen.
void fit_rows(Executor &ex, const Model &m, int64_t count, const RunConfig &config, double lr, std::mt19937_64 &rng) {
  auto opt = make_optimizer("adam", lr);
  std::vector<size_t> slots;
  for (const ParamInfo &p : m.params)
    slots.push_back(p.per_sample ? opt->add_rows(count, p.shape.numel()) : 0);
  std::vector<int64_t> rows(static_cast<size_t>(count));
  std::iota(rows.begin(), rows.end(), 0);
  for (int64_t step = 0; step < config.fit_steps; ++step) {
    set_noise(ex, count, config.noise, rng);
    ex.run(count);
    opt->begin_step();
    for (size_t k = 0; k < m.params.size(); ++k) {
      const ParamInfo &p = m.params[k];
      if (!p.per_sample) continue;
      if (float *value = ex.per_sample_param(p.name))
        opt->step_rows(slots[k], value, ex.output("grad." + p.name), p.shape.numel(), rows.data(), count);
    }
  }
}

} // namespace

OutputValues run_output(const Model &m, Dataset &data, const Checkpoint &ckpt, const std::string &output,
                        const RunConfig &config, std::ostream &log) {
  if (std::find(m.outputs.begin(), m.outputs.end(), output) == m.outputs.end()) {
    std::string names;
    for (const std::string &o : m.outputs) names += (names.empty() ? "" : ", ") + o;
    throw InputError("the program has no output '" + output + "'" + (names.empty() ? " (it declares none)" : " (it has: " + names + ")"));
  }
  if (!ckpt.mean.empty()) {
    if (int64_t(ckpt.mean.size()) != data.width) throw InputError("the checkpoint's training mean does not match the data's width");
    for (int64_t s = 0; s < data.n; ++s)
      for (int64_t j = 0; j < data.width; ++j) data.values[size_t(s * data.width + j)] -= ckpt.mean[size_t(j)];
  }
  bool per_sample = false;
  for (const ParamInfo &p : m.params) per_sample |= p.per_sample;
  const int64_t batch = std::max<int64_t>(1, std::min(config.batch, data.n));
  std::unique_ptr<codegen::Kernel> fit;
  if (per_sample) {
    std::vector<std::string> outs = {"loss"};
    for (const ParamInfo &p : m.params)
      if (p.per_sample) outs.push_back("grad." + p.name);
    fit = codegen::Kernel::compile(passes::optimize(driver::select_outputs(driver::training_graph(m), outs)), "fit");
  }
  auto kernel = codegen::Kernel::compile(passes::optimize(driver::select_outputs(m.graph, {"out." + output})), "run");

  // Nothing of the run's size is allocated before its memory plan is checked.
  MemoryPlan plan(m, "aec run", "Fewer samples (--limit N)");
  for (const ParamInfo &p : m.params) plan.add_param(p, data.n, 0, "");
  if (fit) plan.add_kernel(*fit, batch, "the fitting step's buffers");
  plan.add_kernel(*kernel, batch, "the output's buffers");
  plan.add_output(output, m.graph.shape(m.graph.output("out." + output)), data.n);
  plan.check(config.max_memory);

  ParamStore params;
  std::mt19937_64 rng(config.seed);
  for (const ParamInfo &p : m.params)
    params[p.name] = p.per_sample ? initialize_storage(p, data.n, rng) // fitted below, batch by batch
                                  : ckpt.params.at(p.name).values;
  std::vector<int64_t> order(static_cast<size_t>(data.n));
  std::iota(order.begin(), order.end(), 0);

  std::unique_ptr<Executor> fit_ex;
  double lr = config.fit_lr > 0 ? config.fit_lr : config_from_model(m).lr;
  if (fit) {
    fit_ex = std::make_unique<Executor>(*fit, batch);
    bind_shared_params(*fit_ex, m, params);
    log << "fitting the per-sample params of " << data.n << " samples: " << config.fit_steps << " Adam steps per batch, lr " << lr << std::endl;
  }
  Executor ex(*kernel, batch);
  bind_shared_params(ex, m, params);
  OutputValues out;
  out.n = data.n;
  out.shape = m.graph.shape(m.graph.output("out." + output));
  const int64_t numel = out.shape.numel();
  out.values.resize(size_t(data.n * numel));
  for (int64_t start = 0; start < data.n; start += batch) {
    int64_t count = std::min(batch, data.n - start);
    if (per_sample) {
      load_batch(*fit_ex, m, data, params, order, start, count);
      fit_rows(*fit_ex, m, count, config, lr, rng);
      for (const ParamInfo &p : m.params) // the fitted rows back into the store
        if (p.per_sample)
          if (const float *rows = fit_ex->per_sample_param(p.name))
            std::copy_n(rows, count * p.shape.numel(), params[p.name].data() + start * p.shape.numel());
    }
    load_batch(ex, m, data, params, order, start, count);
    set_noise(ex, count, config.noise, rng);
    ex.run(count);
    const float *v = ex.output("out." + output);
    const bool batched = kernel->graph().batched(kernel->graph().output("out." + output));
    for (int64_t k = 0; k < count; ++k) std::copy_n(v + (batched ? k * numel : 0), numel, out.values.data() + (start + k) * numel);
  }
  return out;
}

} // namespace aec::runtime
