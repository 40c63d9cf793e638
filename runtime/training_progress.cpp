#include "runtime/training_progress.h"
#include "runtime/checkpoint_io.h"
#include "runtime/optimizer.h"

#include <cmath>

namespace aec::runtime {

namespace {

// A saved setting's bytes: numbers as themselves, names and schedules as their text.
void put_setting(Writer &w, int64_t v) { w.put<int64_t>(v); }
void put_setting(Writer &w, uint64_t v) { w.put<uint64_t>(v); }
void put_setting(Writer &w, double v) { w.put<double>(v); }
void put_setting(Writer &w, bool v) { w.put<uint8_t>(v ? 1 : 0); }
void put_setting(Writer &w, int v) { w.put<int64_t>(v); }
void put_setting(Writer &w, const std::string &v) { w.put_string(v); }
void put_setting(Writer &w, const Schedule &v) { w.put_string(to_string(v)); }

template <train_options::Type T> void get_setting(Reader &r, train_options::ValueOf<T> &out, const char *name) {
  using V = train_options::ValueOf<T>;
  if constexpr (std::is_same_v<V, bool>) out = r.get<uint8_t>() != 0;
  else if constexpr (std::is_same_v<V, int>) out = static_cast<int>(r.get<int64_t>());
  else if constexpr (std::is_same_v<V, std::string>) out = r.get_string();
  else if constexpr (std::is_same_v<V, Schedule>) {
    std::string text = r.get_string();
    if (std::string why = train_options::parse<T>(text, out); !why.empty())
      r.fail(std::string("the training setting ") + name + " " + text + ": " + why);
  } else out = r.get<V>();
}

} // namespace

void write_progress(Writer &file, const TrainingProgress &p) {
  Writer config;
  const TrainConfig &c = p.config;
  // The saved options, in the schema's order.
#define TRAIN_OPTION(name, type, default_value, help, places)                                                                              \
  if (train_options::find(#name)->where & train_options::Saved) put_setting(config, c.name);
#include "support/train_options.def"
#undef TRAIN_OPTION
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

  if (!p.batch_mean_sums.empty() || !p.batch_means.empty()) {
    Writer stats;
    stats.put<int64_t>(p.batch_mean_steps);
    stats.put<uint64_t>(p.batch_mean_sums.size());
    for (const auto &[name, sums] : p.batch_mean_sums) {
      stats.put_string(name);
      stats.put_array(sums);
    }
    stats.put<uint64_t>(p.batch_means.size());
    for (const auto &[name, means] : p.batch_means) {
      stats.put_string(name);
      stats.put_array(means);
    }
    file.section("batch_stats", stats);
  }
  for (const auto &[name, values] : p.best_params) {
    Writer best;
    best.put_string(name);
    best.put_array(values);
    file.section("best", best);
  }
  for (const auto &[name, values] : p.best_batch_means) {
    Writer best;
    best.put_string(name);
    best.put_array(values);
    file.section("best_stats", best);
  }
}

bool is_progress_section(const std::string &tag) {
  return tag == "config" || tag == "progress" || tag == "optimizer" || tag == "best" || tag == "batch_stats" || tag == "best_stats";
}

void read_progress_section(const std::string &tag, Reader &s, TrainingProgress &p) {
  if (tag == "config") {
    TrainConfig &c = p.config;
#define TRAIN_OPTION(name, type, default_value, help, places)                                                                              \
  if (train_options::find(#name)->where & train_options::Saved) get_setting<train_options::Type::type>(s, c.name, #name);
#include "support/train_options.def"
#undef TRAIN_OPTION
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
  } else if (tag == "batch_stats") {
    p.batch_mean_steps = s.get<int64_t>();
    if (p.batch_mean_steps < 0) s.fail("the batch statistics claim " + std::to_string(p.batch_mean_steps) + " steps");
    for (uint64_t i = 0, n = s.get<uint64_t>(); i < n; ++i) {
      if (i >= 4096) s.fail("the batch statistics section claims " + std::to_string(n) + " statistics");
      std::string name = s.get_string();
      p.batch_mean_sums[name] = s.get_array<double>();
    }
    for (uint64_t i = 0, n = s.get<uint64_t>(); i < n; ++i) {
      if (i >= 4096) s.fail("the batch statistics section claims " + std::to_string(n) + " averages");
      std::string name = s.get_string();
      p.batch_means[name] = s.get_array<float>();
    }
  } else if (tag == "best") {
    std::string name = s.get_string();
    p.best_params[name] = s.get_array<float>();
  } else if (tag == "best_stats") {
    std::string name = s.get_string();
    p.best_batch_means[name] = s.get_array<float>();
  }
}

std::string progress_inconsistency(const TrainingProgress &p, int64_t samples, const std::map<std::string, size_t> &param_sizes) {
  if (std::string problem = train_options::first_problem(p.config, train_options::Saved); !problem.empty())
    return "the training setting " + problem;
  if (p.epoch < 0 || p.step < 0 || p.optimizer.steps < 0 || p.best_epoch < 0 || p.best_epoch > p.epoch)
    return "the training position is out of range";
  // held_out: increasing sample indices; order: every other sample, in the epoch's order.
  for (size_t i = 0; i < p.held_out.size(); ++i)
    if (p.held_out[i] < 0 || p.held_out[i] >= samples || (i > 0 && p.held_out[i] <= p.held_out[i - 1]))
      return "the held-out samples are not increasing indices below " + std::to_string(samples);
  if (p.order.size() + p.held_out.size() != uint64_t(samples))
    return "the epoch's order has " + std::to_string(p.order.size()) + " samples, not " +
           std::to_string(uint64_t(samples) - p.held_out.size());
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
  for (const auto &[name, values] : p.best_batch_means) {
    auto it = p.batch_means.find(name);
    if (it == p.batch_means.end() || it->second.size() != values.size())
      return "the best epoch's average of " + name + " does not match the last epoch's";
  }
  return "";
}

} // namespace aec::runtime
