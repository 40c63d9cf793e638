#include "runtime/trainer.h"
#include "runtime/batch_gradient.h"
#include "runtime/batch_io.h"
#include "runtime/bfloat16.h"
#include "runtime/checkpoint_io.h"
#include "runtime/executor.h"
#include "runtime/init.h"
#include "runtime/memory_plan.h"
#include "runtime/non_finite.h"
#include "runtime/optimizer.h"
#include "runtime/schedule.h"
#include "runtime/training_profile.h"
#include "runtime/tree_sum.h"
#include "runtime/work_sharing.h"
#include "source/diagnostics.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <numeric>
#include <random>
#include <sstream>

namespace aec::runtime {

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// The held-out samples: the last `val` fraction of a permutation drawn from the seed on a stream
// of its own, so the split is the same however the rest of the run goes.
std::vector<int64_t> held_out_samples(int64_t n, double val, uint64_t seed) {
  if (val <= 0) return {};
  std::vector<int64_t> all(static_cast<size_t>(n));
  std::iota(all.begin(), all.end(), 0);
  std::mt19937_64 rng(seed ^ 0x76616c6964617465ull); // "validate"
  std::shuffle(all.begin(), all.end(), rng);
  int64_t k = std::max<int64_t>(1, std::llround(val * double(n)));
  if (k >= n) throw InputError("--val " + std::to_string(val) + " holds out every one of the " + std::to_string(n) + " samples");
  std::vector<int64_t> out(all.end() - k, all.end());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<int64_t> training_samples(int64_t n, const std::vector<int64_t> &held_out) {
  std::vector<int64_t> out;
  out.reserve(size_t(n) - held_out.size());
  size_t h = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (h < held_out.size() && held_out[h] == i) ++h;
    else out.push_back(i);
  }
  return out;
}

// The mean per-sample objective over some samples (shared out among the run's processes, summed
// in the same order by any number of them), noise at its expected value, and each
// batch_mean(...) at the value given (as `aec run` evaluates it: the training's average), not
// at the mean over the evaluated samples.
class ObjectiveEvaluator {
public:
  ObjectiveEvaluator(const Model &m, int threads)
      : m_(m), kernel_(driver::compile(m, objective_request(), kernel_options(kBatch, threads))) {}

  using Statistics = std::map<std::string, std::vector<float>>;
  double mean(const Dataset &d, ParamStore &params, const std::vector<int64_t> &samples, Statistics statistics) {
    if (!ex_) ex_.emplace(*kernel_, kBatch); // allocated on first use, after the run's memory plan is checked
    Executor &ex = *ex_;
    bind_shared_params(ex, m_, params);
    for (auto &[name, values] : statistics) ex.bind_param(name, values.data());
    // Batches of kBatch samples, shared out among the run's processes; their sums added in order.
    const World &world = World::get();
    const int64_t batches = (int64_t(samples.size()) + kBatch - 1) / kBatch;
    const Range mine = share_of(batches, world.rank(), world.size());
    std::vector<double> sums;
    for (int64_t b = mine.first; b < mine.end; ++b) {
      const int64_t start = b * kBatch, count = std::min<int64_t>(kBatch, int64_t(samples.size()) - start);
      load_batch(ex, m_, d, params, samples, start, count);
      mean_noise(ex, count);
      ex.run(count);
      const float *obj = ex.output("objective");
      double sum = 0;
      for (int64_t i = 0; i < count; ++i) sum += obj[i];
      sums.push_back(sum);
    }
    if (world.distributed()) { // every batch's sum on every process, in rank order: the batches' order
      std::vector<double> all;
      for (const std::string &theirs :
           world.all_gather(std::string(reinterpret_cast<const char *>(sums.data()), sums.size() * sizeof(double)))) {
        if (theirs.empty()) continue; // a process with no batch (all.data() may still be null)
        const size_t at = all.size();
        all.resize(at + theirs.size() / sizeof(double));
        std::memcpy(all.data() + at, theirs.data(), theirs.size());
      }
      sums = std::move(all);
    }
    double total = 0;
    for (double sum : sums) total += sum;
    return total / double(samples.size());
  }

  static constexpr int64_t kBatch = 1024;
  const codegen::Kernel &kernel() const { return *kernel_; }

private:
  const Model &m_;
  std::unique_ptr<codegen::Kernel> kernel_;
  std::optional<Executor> ex_;

  static driver::Request objective_request() {
    driver::Request r = driver::Request::forward("objective", {"objective"});
    r.statistics = driver::Statistics::Fixed;
    return r;
  }
};

std::string epoch_and_step(const TrainingProgress &p) {
  return "epoch " + std::to_string(p.epoch + 1) + ", step " + std::to_string(p.step + 1);
}

class TrainingRun {
public:
  TrainingRun(const Model &m, Dataset &data, const TrainConfig &c, const TrainOptions &o) : m_(m), data_(data), c_(c), o_(o) {}

  TrainResult run() {
    check_settings();
    const std::vector<std::string> frozen = train_options::split_names(c_.freeze);
    for (const ParamInfo &p : m_.params) frozen_.push_back(std::find(frozen.begin(), frozen.end(), p.name) != frozen.end());
    uint64_t fingerprint = data_fingerprint(data_);
    if (c_.center) r_.center_mean = center_in_place(data_, first_input_columns());
    c_.threads = team_for(c_.threads);
    set_team_size(c_.threads); // this thread's team runs the kernels' shared loops and GEMMs
    auto compile_start = Clock::now();
    const bool chunked_statistics = World::get().data_parallel() && !m_.batch_statistics.empty();
    kernel_ = driver::compile(m_, chunked_statistics ? ChunkedStatistics::step_request(m_) : driver::Request::training_step(),
                              kernel_options(c_.batch, c_.threads, variant()));
    if (chunked_statistics) statistics_.emplace(m_, StepComputer::chunk_samples(c_.batch), c_.threads, variant());
    if (c_.val > 0 || !m_.checks.empty()) objective_.emplace(m_, c_.threads);
    r_.compile_ms = seconds_since(compile_start) * 1000;
    check_memory();

    if (o_.resume) resume(*o_.resume, fingerprint);
    else start(fingerprint);
    train_samples_ = int64_t(p_.order.size());
    batch_ = std::min(c_.batch, train_samples_);
    ex_.emplace(*kernel_, batch_);
    bind_shared_params(*ex_, m_, params_);
    if (statistics_) statistics_->bind(*ex_, params_);
    steps_.emplace(m_, *ex_, World::get(), c_.batch, statistics_ ? &*statistics_ : nullptr);

    auto train_start = Clock::now();
    const double communication_before = World::get().communication_seconds();
    int64_t trained = 0;
    while (p_.epoch < c_.epochs && r_.stop == StopReason::Completed) {
      if (p_.position == 0) {
        std::shuffle(p_.order.begin(), p_.order.end(), rng_);
        p_.epoch_loss_sum = 0;
        epoch_start_ = Clock::now();
        epoch_trained_ = 0;
        epoch_checkpoint_seconds_ = 0;
      } else if (epoch_trained_ == 0) {
        epoch_start_ = Clock::now(); // resumed in the middle of an epoch
        epoch_checkpoint_seconds_ = 0;
      }
      int64_t count = std::min(batch_, train_samples_ - p_.position);
      timed_step(count);
      trained += count;
      epoch_trained_ += count;
      if (p_.position == train_samples_) end_epoch();
      else if (o_.save_every > 0 && p_.step % o_.save_every == 0) save();
      if (r_.stop == StopReason::Completed && stop_requested()) {
        r_.stop = StopReason::Interrupted;
        save();
      }
    }
    // Throughput is the training's own: writing checkpoints is I/O, counted apart.
    r_.seconds = seconds_since(train_start) - r_.checkpoint_seconds;
    r_.samples_per_second = r_.seconds > 0 ? double(trained) / r_.seconds : 0;
    r_.chunk_seconds = steps_->chunk_seconds();
    r_.communication_seconds = World::get().communication_seconds() - communication_before;
    if (o_.profile) {
      std::vector<ProfiledKernel> kernels{{kernel_.get(), ""}};
      if (statistics_)
        for (const codegen::Kernel *k : statistics_->kernels()) kernels.push_back({k, "batch statistics"});
      r_.profile = profile_.finish(m_, kernels, c_.optimizer, c_.clip > 0, World::get().data_parallel());
    }
    finish();
    return std::move(r_);
  }

private:
  const Model &m_;
  Dataset &data_;
  TrainConfig c_;
  const TrainOptions &o_;
  TrainResult r_;
  TrainingProgress p_;
  ParamStore params_;
  std::mt19937_64 rng_;
  std::unique_ptr<codegen::Kernel> kernel_;
  std::optional<Executor> ex_;
  std::optional<ChunkedStatistics> statistics_; // batch statistics across mpirun's processes
  std::optional<StepComputer> steps_;           // the batch's gradients, on this process or across mpirun's
  std::optional<ObjectiveEvaluator> objective_;
  std::unique_ptr<Optimizer> opt_;
  std::vector<size_t> slots_;
  std::vector<char> frozen_;         // by m_.params: kept at its starting value (--freeze)
  std::vector<const float *> grads_; // this step's gradient of every param, in m_.params order
  int64_t train_samples_ = 0, batch_ = 0, epoch_trained_ = 0, saved_step_ = -1;
  double last_lr_ = 0;
  Clock::time_point epoch_start_;
  double epoch_checkpoint_seconds_ = 0;          // written during the current epoch, left out of its throughput
  double norm_seconds_ = 0, update_seconds_ = 0; // the gradient's norm, the optimizer's update: in all steps
  TrainingProfile profile_;                      // --profile

  // The training kernels: timed with --profile, bfloat16 products with --precision bf16 (the
  // validation loss and the checks evaluate in float32).
  KernelVariant variant() const { return {o_.profile, c_.precision == "bf16"}; }

  // The first input's columns: what `center` centers and `check pca` compares with.
  InputColumns first_input_columns() const {
    return data_.columns(m_.first_input().name, true).value_or(InputColumns{m_.first_input().name, 0, data_.width});
  }

  void check_settings() {
    if (c_.val > 0)
      for (const ParamInfo &p : m_.params)
        if (p.per_sample)
          throw InputError("--val: param " + p.name +
                           " is `per sample`, and held-out samples have no trained rows of it; validate with "
                           "`aec run` on separate data instead");
    if (c_.patience > 0 && c_.val <= 0) throw InputError("--patience needs a validation split (--val, e.g. --val 0.1)");
    if (c_.precision == "bf16" && bfloat16_path() == Bfloat16Path::Unavailable)
      throw InputError("--precision bf16: this CPU has no bfloat16 instructions (AVX512-BF16 or AMX-BF16: Intel Xeon since Cooper Lake, "
                       "AMD EPYC since Zen 4); AEC_BF16=emulate runs the same arithmetic with float32 instructions, slower");
    for (const std::string &name : train_options::split_names(c_.freeze))
      if (!m_.param(name)) throw InputError("--freeze " + c_.freeze + ": the program has no param " + name);
  }

  // Refuses a run that would need more memory than it may have, before allocating any of it.
  void check_memory() const {
    MemoryPlan plan(m_, "training", "A smaller --batch");
    const int arrays = optimizer_arrays(c_.optimizer) + (o_.save_path.empty() ? 0 : 1);
    const std::string arrays_are = std::to_string(optimizer_arrays(c_.optimizer)) + " " + c_.optimizer + " state array" +
                                   (optimizer_arrays(c_.optimizer) == 1 ? "" : "s") +
                                   (o_.save_path.empty() ? "" : " and a checkpoint copy");
    for (const ParamInfo &p : m_.params) plan.add_param(p, data_.n, arrays, arrays_are);
    plan.add_kernel(*kernel_, std::min(c_.batch, data_.n), "the training step's buffers");
    if (objective_) plan.add_kernel(objective_->kernel(), ObjectiveEvaluator::kBatch, "the objective's buffers");
    if (statistics_)
      for (const codegen::Kernel *k : statistics_->kernels()) plan.add_kernel(*k, statistics_->chunk(), "the batch statistics' buffers");
    plan.add_data(data_, o_.max_memory); // last: a mapped file's window takes what the rest leaves
    plan.check(o_.max_memory);
  }

  void make_optimizer_slots() {
    opt_ = make_optimizer(c_.optimizer, c_.lr);
    for (const ParamInfo &p : m_.params)
      slots_.push_back(p.per_sample ? opt_->add_rows(data_.n, p.shape.numel()) : opt_->add(p.shape.numel()));
  }

  void start(uint64_t fingerprint) {
    rng_.seed(c_.seed);
    for (const ParamInfo &p : m_.params) params_[p.name] = initialize_storage(p, data_.n, rng_);
    if (o_.init) take_initial_values(*o_.init);
    p_.config = c_;
    p_.held_out = held_out_samples(data_.n, c_.val, c_.seed);
    p_.order = training_samples(data_.n, p_.held_out);
    p_.data_fingerprint = fingerprint;
    make_optimizer_slots();
  }

  void take_initial_values(const Checkpoint &ck) {
    for (const std::string &name : params_found_in(m_, ck, data_.n)) params_[name] = ck.params.at(name).values;
  }

  void resume(const Checkpoint &ck, uint64_t fingerprint) {
    p_ = training_state(ck, "the checkpoint");
    if (ck.samples != data_.n || p_.data_fingerprint != fingerprint)
      throw InputError("the checkpoint was trained on other data (" + std::to_string(ck.samples) + " samples of width " +
                       std::to_string(ck.width) + " with other values); resume on the data the run started on");
    p_.config.epochs = c_.epochs;
    if (p_.epoch > c_.epochs)
      throw InputError("the checkpoint has already trained " + std::to_string(p_.epoch) + " epochs, more than --epochs " +
                       std::to_string(c_.epochs));
    for (auto &[name, stored] : ck.params) params_[name] = stored.values;
    std::istringstream rng_text(p_.rng);
    rng_text >> rng_;
    if (!rng_text) throw InputError("the checkpoint's random generator state is malformed");
    make_optimizer_slots();
    opt_->restore(p_.optimizer);
    r_.initial_loss = p_.initial_loss;
  }

  // A step, timed with --profile.
  void timed_step(int64_t count) {
    if (!o_.profile) return step(count);
    profile_.step([&] { step(count); },
                  [&] {
                    return StepClocks{steps_->gather_seconds(), norm_seconds_,
                                      update_seconds_,          World::get().communication_seconds(),
                                      steps_->weigh_seconds(),  steps_->tree_seconds()};
                  });
  }

  void step(int64_t count) {
    BatchGradient batch = steps_->compute(data_, params_, p_.order, p_.position, count, rng_);
    const double loss = batch.loss;
    const auto norm_start = Clock::now();
    grads_.clear();
    double grad_sq = 0;
    for (size_t k = 0; k < m_.params.size(); ++k) {
      const ParamInfo &p = m_.params[k];
      grads_.push_back(batch.grad[k]);
      if (!frozen_[k]) grad_sq += sum_of_squares(grads_.back(), p.shape.numel() * (p.per_sample ? count : 1));
    }
    if (!std::isfinite(loss) || !std::isfinite(grad_sq)) fail_non_finite(count, loss);
    if (p_.step == 0) p_.initial_loss = r_.initial_loss = loss;
    const auto update_start = Clock::now();
    norm_seconds_ += std::chrono::duration<double>(update_start - norm_start).count();

    const int64_t steps_per_epoch = (train_samples_ + batch_ - 1) / batch_;
    const double lr = scheduled_lr(c_.schedule, c_.lr, p_.step, steps_per_epoch * c_.epochs, p_.epoch, c_.epochs);
    opt_->set_lr(lr);
    last_lr_ = lr;
    const double norm = std::sqrt(grad_sq);
    const float scale = c_.clip > 0 && norm > c_.clip ? static_cast<float>(c_.clip / norm) : 1.0f;
    opt_->begin_step(scale);
    for (size_t k = 0; k < m_.params.size(); ++k) {
      const ParamInfo &p = m_.params[k];
      if (frozen_[k]) continue;
      float *value = params_[p.name].data();
      const float *grad = grads_[k];
      if (p.per_sample) opt_->step_rows(slots_[k], value, grad, p.shape.numel(), p_.order.data() + p_.position, count);
      else opt_->step(slots_[k], value, grad, p.shape.numel());
    }
    for (size_t k = 0; k < m_.batch_statistics.size(); ++k) { // this batch's value of every batch_mean
      const BatchStatistic &s = m_.batch_statistics[k];
      const float *v = batch.statistics[k];
      std::vector<double> &sum = p_.batch_mean_sums[s.name];
      sum.resize(size_t(s.shape.numel()), 0.0);
      for (size_t i = 0; i < sum.size(); ++i) sum[i] += double(v[i]);
    }
    if (!m_.batch_statistics.empty()) ++p_.batch_mean_steps;
    update_seconds_ += seconds_since(update_start);
    p_.epoch_loss_sum += loss * double(count);
    p_.position += count;
    ++p_.step;
    if (o_.observer)
      o_.observer->on_step(
          {p_.epoch + 1, c_.epochs, p_.position, train_samples_, p_.epoch_loss_sum / double(p_.position), lr, seconds_since(epoch_start_)});
  }

  void end_epoch() {
    const double loss = p_.epoch_loss_sum / double(train_samples_), secs = seconds_since(epoch_start_) - epoch_checkpoint_seconds_;
    p_.epoch_losses.push_back(loss);
    p_.position = 0;
    for (auto &[name, sum] : p_.batch_mean_sums) { // the epoch's average of each batch statistic
      std::vector<float> &mean = p_.batch_means[name];
      mean.resize(sum.size());
      for (size_t i = 0; i < sum.size(); ++i) mean[i] = static_cast<float>(sum[i] / double(std::max<int64_t>(p_.batch_mean_steps, 1)));
      std::fill(sum.begin(), sum.end(), 0.0);
    }
    p_.batch_mean_steps = 0;
    ++p_.epoch;
    double val = NAN;
    bool best = false;
    if (c_.val > 0) {
      val = objective_->mean(data_, params_, p_.held_out, p_.batch_means);
      p_.val_losses.push_back(val);
      best = val < p_.best_val;
      if (best) {
        p_.best_val = val;
        p_.best_epoch = p_.epoch;
        if (c_.patience > 0) {
          p_.best_params = params_;
          p_.best_batch_means = p_.batch_means;
        }
      } else if (c_.patience > 0 && p_.epoch - p_.best_epoch >= c_.patience) {
        r_.stop = StopReason::EarlyStopped;
      }
    }
    if (o_.observer)
      o_.observer->on_epoch({p_.epoch, c_.epochs, loss, val, best, secs > 0 ? double(epoch_trained_) / secs : 0, secs, last_lr_});
    epoch_trained_ = 0;
    save();
  }

  // Each batch statistic's average over the last complete epoch, or over the steps of this one
  // when none is complete (a run stopped in its first epoch).
  std::map<std::string, std::vector<float>> batch_means_so_far() const {
    std::map<std::string, std::vector<float>> means = p_.batch_means;
    for (const auto &[name, sum] : p_.batch_mean_sums)
      if (!means.count(name) && p_.batch_mean_steps > 0)
        for (double v : sum) means[name].push_back(static_cast<float>(v / double(p_.batch_mean_steps)));
    return means;
  }

  // A stop asked for (SIGINT, SIGTERM, the API's observer); under mpirun, asked of any process,
  // so that every process stops after the same step.
  bool stop_requested() const {
    const bool here = o_.observer && o_.observer->stop_requested();
    const World &world = World::get();
    return world.distributed() ? world.max(here ? 1.0 : 0.0) > 0 : here;
  }

  void save() {
    if (o_.save_path.empty() || saved_step_ == p_.step) return;
    auto start = Clock::now();
    if (World::get().first()) { // every process holds the same; the first writes it
      Checkpoint ck = make_checkpoint(m_, data_.n, r_.center_mean, params_);
      ck.training = progress();
      save_checkpoint(o_.save_path, ck);
    }
    saved_step_ = p_.step;
    const double secs = seconds_since(start);
    r_.checkpoint_seconds += secs;
    epoch_checkpoint_seconds_ += secs;
  }

  TrainingProgress progress() const {
    TrainingProgress p = p_;
    std::ostringstream rng_text;
    rng_text << rng_;
    p.rng = rng_text.str();
    p.optimizer = opt_->state();
    return p;
  }

  [[noreturn]] void fail_non_finite(int64_t count, double loss) {
    std::string what = std::isnan(loss)   ? "the loss became NaN"
                       : std::isinf(loss) ? "the loss became infinite"
                                          : "a gradient became NaN or infinite";
    std::string when = "training stopped in " + epoch_and_step(p_) + ": " + what;
    std::string kept = saved_step_ >= 0
                           ? "; the last good checkpoint, " + o_.save_path + " (after step " + std::to_string(saved_step_) + "), is kept"
                       : o_.save_path.empty() ? ""
                                              : "; no checkpoint had been written yet";
    steps_->reload_batch(data_, params_, p_.order, p_.position, count); // (a process may hold only its last chunk)
    if (auto d = locate_non_finite(m_, batch_bindings(m_, *ex_, params_, count))) {
      d->note = when + kept;
      NonFiniteError e({*d});
      e.attach_source(m_.source);
      throw e;
    }
    throw InputError(when + ", though the batch evaluated again without the compiler's rewrites is finite everywhere" + kept +
                     " (try a smaller --lr or --clip)");
  }

  void finish() {
    if (r_.stop == StopReason::EarlyStopped && !p_.best_params.empty()) {
      params_ = p_.best_params;
      p_.batch_means = p_.best_batch_means;
      saved_step_ = -1; // the last epoch's checkpoint is of this step, but holds its params
      save();           // the checkpoint holds what the run returns
    }
    r_.epochs = p_.epoch;
    r_.epoch_losses = p_.epoch_losses;
    r_.val_losses = p_.val_losses;
    r_.best_epoch = p_.best_epoch;
    r_.final_loss = r_.epoch_losses.empty() ? 0 : r_.epoch_losses.back();
    if (!m_.checks.empty()) {
      Spectrum s = spectrum(data_, first_input_columns());
      std::vector<int64_t> all(static_cast<size_t>(data_.n));
      std::iota(all.begin(), all.end(), 0);
      double recon = objective_->mean(data_, params_, all, batch_means_so_far());
      for (const CheckInfo &c : m_.checks) {
        const ParamInfo *p = m_.param(c.param);
        PcaCheck pc = check_pca(s, params_[c.param].data(), p->shape.rows(), p->shape.cols());
        r_.pca.push_back({c.param, pc.max_angle_deg, recon, pc.optimal_error, pc.angles_deg});
      }
    }
    r_.progress = progress();
    r_.params = std::move(params_);
  }
};

} // namespace

std::vector<std::string> params_found_in(const Model &m, const Checkpoint &ck, int64_t samples) {
  std::vector<std::string> found;
  for (const ParamInfo &p : m.params) {
    auto it = ck.params.find(p.name);
    if (it != ck.params.end() && it->second.per_sample == p.per_sample && it->second.numel == p.shape.numel() &&
        (!it->second.shape || *it->second.shape == p.shape) && (!p.per_sample || it->second.rows == samples))
      found.push_back(p.name);
  }
  return found;
}

uint64_t data_fingerprint(const Dataset &d) {
  Writer w;
  w.put<int64_t>(d.n);
  w.put<int64_t>(d.width);
  const size_t count = size_t(d.n) * size_t(d.width), stride = std::max<size_t>(1, count / 65536);
  for (size_t i = 0; i < count; i += stride) w.put<float>(d.value(int64_t(i) / d.width, int64_t(i) % d.width));
  return fnv1a(w.bytes);
}

TrainConfig config_from_model(const Model &m) {
  TrainConfig c;
  for (auto &[key, opt] : m.train) train_options::set(c, key, opt.value); // sema checked every value
  return c;
}

TrainResult train(const Model &m, Dataset &data, const TrainConfig &config, const TrainOptions &options) {
  return TrainingRun(m, data, config, options).run();
}

} // namespace aec::runtime
