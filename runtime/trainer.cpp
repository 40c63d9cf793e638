#include "runtime/trainer.h"
#include "codegen/kernel.h"
#include "codegen/runtime_calls.h"
#include "driver/driver.h"
#include "passes/passes.h"
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

void copy_batch(const Dataset &d, const std::vector<int64_t> &order, int64_t start, int64_t count, float *dst) {
  for (int64_t k = 0; k < count; ++k)
    std::copy_n(d.sample(order[size_t(start + k)]), d.width, dst + k * d.width);
}

void draw_noise(Executor &ex, int64_t batch, std::mt19937_64 &rng) {
  std::normal_distribution<float> normal;
  std::uniform_real_distribution<float> unit;
  for (auto &nb : ex.noise()) {
    int64_t count = nb.node->shape.numel() * batch;
    switch (nb.node->op) {
    case ir::Op::RandN:
      for (int64_t i = 0; i < count; ++i) nb.data[i] = normal(rng);
      break;
    case ir::Op::RandU:
      for (int64_t i = 0; i < count; ++i) nb.data[i] = unit(rng);
      break;
    default: {
      float p = static_cast<float>(nb.node->attr.value);
      for (int64_t i = 0; i < count; ++i) nb.data[i] = unit(rng) < p ? 1.0f : 0.0f;
    }
    }
  }
}

// Noise at its expected value: evaluation outside training.
void mean_noise(Executor &ex, int64_t batch) {
  for (auto &nb : ex.noise()) {
    float v = nb.node->op == ir::Op::RandU ? 0.5f : nb.node->op == ir::Op::Bernoulli ? float(nb.node->attr.value) : 0.0f;
    std::fill_n(nb.data, nb.node->shape.numel() * batch, v);
  }
}

// The mean per-sample objective over the whole data set, noise at its mean.
double mean_objective(const Model &m, const Dataset &d, std::map<std::string, std::vector<float>> &params) {
  auto kernel = codegen::Kernel::compile(passes::optimize(driver::select_outputs(m.graph, {"objective"})), "objective");
  const int64_t batch = 1024;
  Executor ex(*kernel, batch);
  for (auto &[name, v] : params) ex.bind_param(name, v.data());
  std::vector<int64_t> order(static_cast<size_t>(d.n));
  std::iota(order.begin(), order.end(), 0);
  double total = 0;
  for (int64_t start = 0; start < d.n; start += batch) {
    int64_t count = std::min(batch, d.n - start);
    copy_batch(d, order, start, count, ex.input());
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
  if (config.center) center_in_place(data);

  codegen::set_gemm_threads(config.threads);
  auto compile_start = Clock::now();
  ir::Graph g = passes::optimize(driver::training_graph(m));
  auto kernel = codegen::Kernel::compile(g, "train_step");
  r.compile_ms = seconds_since(compile_start) * 1000;

  std::mt19937_64 rng(config.seed);
  for (const ParamInfo &p : m.params) r.params[p.name] = initialize(p, rng);

  const int64_t batch = std::min(config.batch, data.n);
  Executor ex(*kernel, batch);
  auto opt = make_optimizer(config.optimizer, config.lr);
  std::vector<size_t> slots;
  for (const ParamInfo &p : m.params) {
    ex.bind_param(p.name, r.params[p.name].data());
    slots.push_back(opt->add(p.shape.numel()));
  }

  std::vector<int64_t> order(static_cast<size_t>(data.n));
  std::iota(order.begin(), order.end(), 0);
  auto train_start = Clock::now();
  for (int64_t epoch = 1; epoch <= config.epochs; ++epoch) {
    auto epoch_start = Clock::now();
    std::shuffle(order.begin(), order.end(), rng);
    double loss_sum = 0;
    for (int64_t start = 0; start < data.n; start += batch) {
      int64_t count = std::min(batch, data.n - start);
      copy_batch(data, order, start, count, ex.input());
      draw_noise(ex, count, rng);
      ex.run(count);
      double loss = ex.output("loss")[0];
      if (!std::isfinite(loss))
        throw InputError("training diverged: the loss became " + std::string(std::isnan(loss) ? "NaN" : "infinite") + " in epoch " +
                         std::to_string(epoch) + " (try a smaller --lr)");
      loss_sum += loss * double(count);
      opt->begin_step();
      for (size_t k = 0; k < m.params.size(); ++k) {
        const ParamInfo &p = m.params[k];
        opt->step(slots[k], r.params[p.name].data(), ex.output("grad." + p.name), p.shape.numel());
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
