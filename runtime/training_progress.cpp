#include "runtime/training_progress.h"
#include "runtime/checkpoint_io.h"
#include "runtime/optimizer.h"

#include <cmath>

namespace aec::runtime {

void write_progress(Writer &file, const TrainingProgress &p) {
  Writer config;
  const TrainConfig &c = p.config;
  config.put<int64_t>(c.epochs);
  config.put<int64_t>(c.batch);
  config.put<double>(c.lr);
  config.put_string(c.optimizer);
  config.put<uint64_t>(c.seed);
  config.put<uint8_t>(c.center ? 1 : 0);
  config.put_string(to_string(c.schedule));
  config.put<double>(c.clip);
  config.put<double>(c.val);
  config.put<int64_t>(c.patience);
  file.section("config", config);

  Writer progress;
  progress.put<int64_t>(p.epoch);
  progress.put<int64_t>(p.position);
  progress.put<int64_t>(p.step);
  progress.put_string(p.rng);
  progress.put_array(p.order);
  progress.put_array(p.held_out);
  progress.put<uint64_t>(p.data_fingerprint);
  progress.put<double>(p.epoch_loss_sum);
  progress.put<double>(p.initial_loss);
  progress.put_array(p.epoch_losses);
  progress.put_array(p.val_losses);
  progress.put<double>(p.best_val);
  progress.put<int64_t>(p.best_epoch);
  file.section("progress", progress);

  Writer optimizer;
  optimizer.put_string(p.optimizer.name);
  optimizer.put<int64_t>(p.optimizer.steps);
  optimizer.put<uint64_t>(p.optimizer.arrays.size());
  for (const auto &a : p.optimizer.arrays) optimizer.put_array(a);
  optimizer.put<uint64_t>(p.optimizer.row_steps.size());
  for (const auto &r : p.optimizer.row_steps) optimizer.put_array(r);
  file.section("optimizer", optimizer);

  for (const auto &[name, values] : p.best_params) {
    Writer best;
    best.put_string(name);
    best.put_array(values);
    file.section("best", best);
  }
}

bool is_progress_section(const std::string &tag) {
  return tag == "config" || tag == "progress" || tag == "optimizer" || tag == "best";
}

void read_progress_section(const std::string &tag, Reader &s, TrainingProgress &p) {
  if (tag == "config") {
    TrainConfig &c = p.config;
    c.epochs = s.get<int64_t>();
    c.batch = s.get<int64_t>();
    c.lr = s.get<double>();
    c.optimizer = s.get_string();
    c.seed = s.get<uint64_t>();
    c.center = s.get<uint8_t>() != 0;
    c.schedule = parse_schedule(s.get_string(), "the checkpoint's schedule");
    c.clip = s.get<double>();
    c.val = s.get<double>();
    c.patience = s.get<int64_t>();
  } else if (tag == "progress") {
    p.epoch = s.get<int64_t>();
    p.position = s.get<int64_t>();
    p.step = s.get<int64_t>();
    p.rng = s.get_string();
    p.order = s.get_array<int64_t>();
    p.held_out = s.get_array<int64_t>();
    p.data_fingerprint = s.get<uint64_t>();
    p.epoch_loss_sum = s.get<double>();
    p.initial_loss = s.get<double>();
    p.epoch_losses = s.get_array<double>();
    p.val_losses = s.get_array<double>();
    p.best_val = s.get<double>();
    p.best_epoch = s.get<int64_t>();
  } else if (tag == "optimizer") {
    p.optimizer.name = s.get_string();
    p.optimizer.steps = s.get<int64_t>();
    uint64_t arrays = s.get<uint64_t>();
    if (arrays > 1024) s.fail("the optimizer section claims " + std::to_string(arrays) + " arrays");
    for (uint64_t i = 0; i < arrays; ++i) p.optimizer.arrays.push_back(s.get_array<float>());
    uint64_t rows = s.get<uint64_t>();
    if (rows > 1024) s.fail("the optimizer section claims " + std::to_string(rows) + " step counters");
    for (uint64_t i = 0; i < rows; ++i) p.optimizer.row_steps.push_back(s.get_array<int64_t>());
  } else if (tag == "best") {
    std::string name = s.get_string();
    p.best_params[name] = s.get_array<float>();
  }
}

std::string progress_inconsistency(const TrainingProgress &p, int64_t samples, const std::map<std::string, size_t> &param_sizes) {
  const TrainConfig &c = p.config;
  if (c.epochs < 0 || c.batch < 1 || !std::isfinite(c.lr) || c.lr <= 0 || !is_optimizer_name(c.optimizer) || !std::isfinite(c.clip) ||
      c.clip < 0 || !(c.val >= 0 && c.val < 1) || c.patience < 0)
    return "the training settings are out of range";
  if (p.epoch < 0 || p.step < 0 || p.optimizer.steps < 0 || p.best_epoch < 0 || p.best_epoch > p.epoch)
    return "the training position is out of range";
  // held_out: increasing sample indices; order: every other sample, in the epoch's order.
  for (size_t i = 0; i < p.held_out.size(); ++i)
    if (p.held_out[i] < 0 || p.held_out[i] >= samples || (i > 0 && p.held_out[i] <= p.held_out[i - 1]))
      return "the held-out samples are not increasing indices below " + std::to_string(samples);
  if (p.order.size() + p.held_out.size() != uint64_t(samples))
    return "the epoch's order has " + std::to_string(p.order.size()) + " samples, not " + std::to_string(uint64_t(samples) - p.held_out.size());
  for (int64_t i : p.order)
    if (i < 0 || i >= samples) return "the epoch's order names sample " + std::to_string(i) + " of " + std::to_string(samples);
  if (p.position < 0 || uint64_t(p.position) > p.order.size()) return "the position in the epoch is out of range";
  for (const auto &steps : p.optimizer.row_steps)
    for (int64_t s : steps)
      if (s < 0) return "a per-sample step count is negative";
  for (const auto &[name, values] : p.best_params) {
    auto it = param_sizes.find(name);
    if (it == param_sizes.end() || it->second != values.size()) return "the best epoch's values of " + name + " do not match its param";
  }
  return "";
}

} // namespace aec::runtime
