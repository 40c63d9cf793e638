#include "runtime/run_output.h"
#include "ir/algorithms.h"
#include "runtime/batch_io.h"
#include "runtime/executor.h"
#include "runtime/init.h"
#include "runtime/input_binding.h"
#include "runtime/memory_plan.h"
#include "runtime/optimizer.h"
#include "runtime/schedule.h"
#include "runtime/trainer.h"
#include "source/diagnostics.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

namespace aec::runtime {

namespace {

void set_noise(Executor &ex, int64_t count, bool draw, std::mt19937_64 &rng) {
  if (draw) draw_noise(ex, count, rng);
  else mean_noise(ex, count);
}

// Fits the rows of `fitted` (per-sample params) of one batch, already in the executor's buffers,
// by Adam on the batch's objective with everything else frozen: the step size decays from `lr`
// to 0 over the steps (cosine), and the fit stops early once 20 steps improve the objective by
// less than 1e-6 of it. Returns the batch's objective after the fit.
double fit_rows(Executor &ex, const std::vector<const ParamInfo *> &fitted, int64_t count, const RunConfig &config, double lr,
                std::mt19937_64 &rng) {
  auto opt = make_optimizer("adam", lr);
  std::vector<size_t> slots;
  for (const ParamInfo *p : fitted) slots.push_back(opt->add_rows(count, p->shape.numel()));
  std::vector<int64_t> rows(static_cast<size_t>(count));
  std::iota(rows.begin(), rows.end(), 0);
  double last_check = INFINITY;
  for (int64_t step = 0; step < config.fit_steps; ++step) {
    set_noise(ex, count, config.noise, rng);
    ex.run(count);
    const double loss = ex.output("loss")[0];
    if (step % 20 == 0) {
      if (last_check - loss <= 1e-6 * std::abs(loss)) break;
      last_check = loss;
    }
    opt->set_lr(scheduled_lr({Schedule::Cosine}, lr, step, config.fit_steps, 0, 1));
    opt->begin_step();
    for (size_t k = 0; k < fitted.size(); ++k)
      if (float *value = ex.per_sample_param(fitted[k]->name))
        opt->step_rows(slots[k], value, ex.output("grad." + fitted[k]->name), fitted[k]->shape.numel(), rows.data(), count);
  }
  set_noise(ex, count, config.noise, rng);
  ex.run(count);
  return ex.output("loss")[0];
}

// The per-sample params that the output `node` reads.
std::vector<const ParamInfo *> per_sample_params_read(const Model &m, ir::NodeId node) {
  const std::set<std::string> read = ir::params_read(m.graph, node);
  std::vector<const ParamInfo *> out;
  for (const ParamInfo &p : m.params)
    if (p.per_sample && read.count(p.name)) out.push_back(&p);
  return out;
}

} // namespace

OutputValues run_output(const Model &m, Dataset &data, const Checkpoint &ckpt, const std::string &output, const RunConfig &config,
                        std::ostream &log) {
  if (std::find(m.outputs.begin(), m.outputs.end(), output) == m.outputs.end()) {
    std::string names;
    for (const std::string &o : m.outputs) names += (names.empty() ? "" : ", ") + o;
    throw InputError("the program has no output '" + output + "'" + (names.empty() ? " (it declares none)" : " (it has: " + names + ")"));
  }
  // On the samples the model was trained on, the trained rows are the answer; on other data the
  // rows that the output reads are fitted first.
  const bool training_data = ckpt.training && ckpt.samples == data.n && ckpt.training->data_fingerprint == data_fingerprint(data);
  if (!ckpt.mean.empty()) { // the first input was centered in training
    std::optional<InputColumns> cols = data.columns(m.first_input().name, true);
    if (cols && int64_t(ckpt.mean.size()) != cols->width)
      throw InputError("the checkpoint's training mean does not match the width of input " + m.first_input().name);
    if (cols) subtract_mean(data, *cols, ckpt.mean);
  }
  const ir::NodeId output_node = m.graph.output("out." + output);
  const std::vector<const ParamInfo *> read = per_sample_params_read(m, output_node);
  const std::vector<const ParamInfo *> fitted = training_data ? std::vector<const ParamInfo *>{} : read;
  const int64_t batch = std::max<int64_t>(1, std::min(config.batch, data.n));
  std::unique_ptr<codegen::Kernel> fit;
  if (!fitted.empty()) {
    std::vector<std::string> outs = {"loss"};
    for (const ParamInfo *p : fitted) outs.push_back("grad." + p->name);
    fit = driver::compile(m, {"fit", true, outs, driver::Statistics::Fixed}, kernel_options(batch, 1));
  }
  // Every scalar output that needs no per-sample rows but those at hand is summarized alongside.
  std::vector<std::string> scalars;
  for (const std::string &o : m.outputs) {
    ir::NodeId node = m.graph.output("out." + o);
    if (m.graph.shape(node).rank != 0) continue;
    bool at_hand = true; // its per-sample rows and its inputs' data
    for (const ParamInfo *p : per_sample_params_read(m, node))
      at_hand &= training_data || std::find(read.begin(), read.end(), p) != read.end();
    for (const std::string &in : inputs_read(m, {"out." + o})) at_hand &= data.columns(in, in == m.first_input().name).has_value();
    if (at_hand) scalars.push_back(o);
  }
  driver::Request run = driver::Request::forward("run", {"out." + output});
  for (const std::string &o : scalars)
    if (o != output) run.outputs.push_back("out." + o);
  run.statistics = driver::Statistics::Fixed;
  auto kernel = driver::compile(m, run, kernel_options(batch, 1));
  // batch_mean(...) is its average over the last training epoch
  const std::map<std::string, std::vector<float>> saved = ckpt.training ? ckpt.training->batch_means : decltype(saved){};
  std::map<std::string, std::vector<float>> statistics;
  for (const BatchStatistic &s : m.batch_statistics) {
    auto it = saved.find(s.name);
    if (it == saved.end() || int64_t(it->second.size()) != s.shape.numel())
      throw InputError("the checkpoint has no average of batch_mean(...) at line " + std::to_string(s.span.line) +
                       " over a training epoch: train the model for at least one whole epoch with this aec");
    statistics[s.name] = it->second;
  }

  // Nothing of the run's size is allocated before its memory plan is checked.
  MemoryPlan plan(m, "aec run", "Fewer samples (--limit N)");
  for (const ParamInfo &p : m.params) plan.add_param(p, data.n, 0, "");
  if (fit) plan.add_kernel(*fit, batch, "the fitting step's buffers");
  plan.add_kernel(*kernel, batch, "the output's buffers");
  plan.add_output(output, m.graph.shape(output_node), data.n);
  plan.add_data(data, config.max_memory); // last: a mapped file's window takes what the rest leaves
  plan.check(config.max_memory);

  ParamStore params;
  std::mt19937_64 rng(config.seed);
  for (const ParamInfo &p : m.params)
    params[p.name] =
        !p.per_sample || training_data ? ckpt.params.at(p.name).values : initialize_storage(p, data.n, rng); // fitted below, batch by batch
  std::vector<int64_t> order(static_cast<size_t>(data.n));
  std::iota(order.begin(), order.end(), 0);

  std::unique_ptr<Executor> fit_ex;
  const double lr = config.fit_lr > 0 ? config.fit_lr : kDefaultFitLr;
  if (training_data && !read.empty()) log << "using the trained per-sample rows: the data is the one the model was trained on" << std::endl;
  if (fit) {
    fit_ex = std::make_unique<Executor>(*fit, batch);
    bind_shared_params(*fit_ex, m, params);
    std::string names;
    for (const ParamInfo *p : fitted) names += (names.empty() ? "" : ", ") + p->name;
    log << "fitting " << names << " to each of " << data.n << " samples: up to " << config.fit_steps << " Adam steps per batch, lr " << lr
        << " decaying to 0" << std::endl;
  }
  Executor ex(*kernel, batch);
  bind_shared_params(ex, m, params);
  for (auto &[name, values] : statistics) {
    ex.bind_param(name, values.data());
    if (fit_ex) fit_ex->bind_param(name, values.data());
  }
  double fitted_objective = 0; // summed over the batches, each weighted by its samples
  OutputValues out;
  out.n = data.n;
  out.shape = m.graph.shape(output_node);
  const int64_t numel = out.shape.numel();
  out.values.resize(size_t(data.n * numel));
  for (const std::string &s : scalars) out.scalars.push_back({s});
  for (int64_t start = 0; start < data.n; start += batch) {
    int64_t count = std::min(batch, data.n - start);
    if (fit) {
      load_batch(*fit_ex, m, data, params, order, start, count);
      fitted_objective += fit_rows(*fit_ex, fitted, count, config, lr, rng) * double(count);
      for (const ParamInfo *p : fitted) // the fitted rows back into the store
        if (const float *rows = fit_ex->per_sample_param(p->name))
          std::copy_n(rows, count * p->shape.numel(), params[p->name].data() + start * p->shape.numel());
    }
    load_batch(ex, m, data, params, order, start, count);
    set_noise(ex, count, config.noise, rng);
    ex.run(count);
    const float *v = ex.output("out." + output);
    const bool batched = kernel->graph().batched(kernel->graph().output("out." + output));
    for (int64_t k = 0; k < count; ++k) std::copy_n(v + (batched ? k * numel : 0), numel, out.values.data() + (start + k) * numel);
    for (size_t s = 0; s < scalars.size(); ++s) {
      const std::string name = "out." + scalars[s];
      const float *x = ex.output(name);
      const bool each = kernel->graph().batched(kernel->graph().output(name));
      for (int64_t k = 0; k < count; ++k) {
        double value = x[each ? k : 0];
        ScalarSummary &sum = out.scalars[s];
        sum.min = start + k == 0 ? value : std::min(sum.min, value);
        sum.max = start + k == 0 ? value : std::max(sum.max, value);
        sum.mean += value;
      }
    }
  }
  for (ScalarSummary &s : out.scalars) s.mean /= double(std::max<int64_t>(data.n, 1));
  if (fit) log << "fitted: objective " << fitted_objective / double(data.n) << " (the mean over the samples)" << std::endl;
  return out;
}

} // namespace aec::runtime
