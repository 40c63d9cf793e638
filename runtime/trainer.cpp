#include "runtime/trainer.h"
#include "codegen/kernel.h"
#include "codegen/runtime_calls.h"
#include "driver/driver.h"
#include "passes/passes.h"
#include "runtime/batch_io.h"
#include "runtime/executor.h"
#include "runtime/init.h"
#include "runtime/optimizer.h"
#include "support/diagnostics.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <random>

namespace aec::runtime {

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// The mean per-sample objective over the whole data set, noise at its mean.
double mean_objective(const Model &m, const Dataset &d, ParamStore &params) {
  auto kernel = codegen::Kernel::compile(passes::optimize(driver::select_outputs(m.graph, {"objective"})), "objective");
  const int64_t batch = 1024;
  Executor ex(*kernel, batch);
  bind_shared_params(ex, m, params);
  std::vector<int64_t> order(static_cast<size_t>(d.n));
  std::iota(order.begin(), order.end(), 0);
  double total = 0;
  for (int64_t start = 0; start < d.n; start += batch) {
    int64_t count = std::min(batch, d.n - start);
    load_batch(ex, m, d, params, order, start, count);
    mean_noise(ex, count);
    ex.run(count);
    const float *obj = ex.output("objective");
    for (int64_t i = 0; i < count; ++i) total += obj[i];
  }
  return total / double(d.n);
}

} // namespace

TrainConfig config_from_model(const Model &m) {
  TrainConfig c;
  for (auto &[key, opt] : m.train) {
    if (key == "epochs") c.epochs = std::stol(opt.value);
    else if (key == "batch") c.batch = std::stol(opt.value);
    else if (key == "lr") c.lr = std::stod(opt.value);
    else if (key == "optimizer") c.optimizer = opt.value;
    else if (key == "seed") c.seed = std::stoull(opt.value);
    else if (key == "center") c.center = opt.value == "true";
  }
  return c;
}

TrainResult train(const Model &m, Dataset &data, const TrainConfig &config, std::ostream &log) {
  TrainResult r;
  if (config.center) r.center_mean = center_in_place(data);

  codegen::set_gemm_threads(config.threads);
  auto compile_start = Clock::now();
  ir::Graph g = passes::optimize(driver::training_graph(m));
  auto kernel = codegen::Kernel::compile(g, "train_step");
  r.compile_ms = seconds_since(compile_start) * 1000;

  std::mt19937_64 rng(config.seed);
  for (const ParamInfo &p : m.params) r.params[p.name] = initialize_storage(p, data.n, rng);

  const int64_t batch = std::min(config.batch, data.n);
  Executor ex(*kernel, batch);
  bind_shared_params(ex, m, r.params);
  auto opt = make_optimizer(config.optimizer, config.lr);
  std::vector<size_t> slots;
  for (const ParamInfo &p : m.params)
    slots.push_back(p.per_sample ? opt->add_rows(data.n, p.shape.numel()) : opt->add(p.shape.numel()));

  std::vector<int64_t> order(static_cast<size_t>(data.n));
  std::iota(order.begin(), order.end(), 0);
  auto train_start = Clock::now();
  for (int64_t epoch = 1; epoch <= config.epochs; ++epoch) {
    auto epoch_start = Clock::now();
    std::shuffle(order.begin(), order.end(), rng);
    double loss_sum = 0;
    for (int64_t start = 0; start < data.n; start += batch) {
      int64_t count = std::min(batch, data.n - start);
      load_batch(ex, m, data, r.params, order, start, count);
      draw_noise(ex, count, rng);
      ex.run(count);
      double loss = ex.output("loss")[0];
      if (!std::isfinite(loss))
        throw InputError("training diverged: the loss became " + std::string(std::isnan(loss) ? "NaN" : "infinite") + " in epoch " +
                         std::to_string(epoch) + " (try a smaller --lr)");
      if (epoch == 1 && start == 0) r.initial_loss = loss;
      loss_sum += loss * double(count);
      opt->begin_step();
      for (size_t k = 0; k < m.params.size(); ++k) {
        const ParamInfo &p = m.params[k];
        float *value = r.params[p.name].data();
        const float *grad = ex.output("grad." + p.name);
        if (p.per_sample) opt->step_rows(slots[k], value, grad, p.shape.numel(), order.data() + start, count);
        else opt->step(slots[k], value, grad, p.shape.numel());
      }
    }
    double epoch_loss = loss_sum / double(data.n), secs = seconds_since(epoch_start);
    r.epoch_losses.push_back(epoch_loss);
    char line[160];
    std::snprintf(line, sizeof line, "epoch %3lld/%lld  loss %.6g  %.0f samples/s  %.2f s", static_cast<long long>(epoch),
                  static_cast<long long>(config.epochs), epoch_loss, double(data.n) / secs, secs);
    log << line << std::endl;
  }
  r.seconds = seconds_since(train_start);
  r.epochs = config.epochs;
  r.final_loss = r.epoch_losses.empty() ? 0 : r.epoch_losses.back();
  r.samples_per_second = r.seconds > 0 ? double(data.n * config.epochs) / r.seconds : 0;

  if (!m.checks.empty()) {
    Spectrum s = spectrum(data);
    double recon = mean_objective(m, data, r.params);
    for (const CheckInfo &c : m.checks) {
      const ParamInfo *p = m.param(c.param);
      PcaCheck pc = check_pca(s, r.params[c.param].data(), p->shape.rows(), p->shape.cols());
      r.pca.push_back({c.param, pc.max_angle_deg, recon, pc.optimal_error, pc.angles_deg});
    }
  }
  return r;
}

} // namespace aec::runtime
