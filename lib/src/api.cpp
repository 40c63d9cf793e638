// The public embedding API (aec/aec.h) over the internal facade: every internal error becomes
// an aec::Error, and a Program carries its trained params between calls.
#include "aec/aec.h"
#include "internal.h"
#include "runtime/input_binding.h"
#include "runtime/optimizer.h"

#include <cmath>
#include <exception>
#include <new>
#include <sstream>

namespace aec {

struct Program::Impl {
  LoadedProgram program;
  std::map<std::string, std::vector<float>> params; // empty until trained or loaded
  std::vector<float> mean;                          // the training mean when center=true
  int64_t samples = 0;                              // rows of per-sample params
  std::optional<runtime::TrainingProgress> progress;
};

namespace {

// Runs `f`, turning the project's errors into aec::Error.
// An exception the application's own callback threw: it reaches the application unchanged.
struct FromApplication {
  std::exception_ptr error;
};

// Every exception from aec's internals as an aec::Error, in one place.
template <class F> auto translated(F &&f) -> decltype(f()) {
  try {
    return f();
  } catch (const FromApplication &e) {
    std::rethrow_exception(e.error);
  } catch (const LocatedError &e) {
    std::vector<Message> messages;
    std::string file = e.source() ? e.source()->name : "";
    for (const Diagnostic &d : e.diagnostics()) messages.push_back({file, d.span.line, d.span.col, d.span.len, d.message, d.note});
    throw Error(e.render(), std::move(messages), true);
  } catch (const InputError &e) {
    throw Error(e.what(), {Message{"", 0, 0, 0, e.what(), ""}}, false);
  } catch (const std::bad_alloc &) {
    throw Error("out of memory (the model or the data is larger than this machine can hold)", {}, false);
  } catch (const Error &) {
    throw;                            // already translated
  } catch (const std::exception &e) { // LLVM failing to compile a kernel, or a bug in aec
    std::string what = std::string("internal error: ") + e.what();
    throw Error(what, {Message{"", 0, 0, 0, what, ""}}, false);
  }
}

runtime::Dataset to_dataset(const Data &d) {
  runtime::Dataset out;
  out.n = d.samples;
  out.width = d.width;
  if (d.viewed) out.borrowed = std::shared_ptr<const float>(d.owner, d.viewed); // in place, kept alive by its owner
  else out.values = d.values;
  out.description = d.description;
  out.bytes_scaled = d.bytes_scaled;
  return out;
}

std::vector<std::string> input_names(const Model &m) {
  std::vector<std::string> names;
  for (const InputInfo &in : m.inputs) names.push_back(in.name);
  return names;
}

std::string listed(const std::vector<std::string> &names) {
  std::string out;
  for (const std::string &n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// A checkpoint's params (those of the program, by name), mean and training state into `impl`.
void load_into(Program::Impl &impl, Checkpoint c, const std::string &path) {
  runtime::check_checkpoint_matches(c, impl.program.model(), path, runtime::CheckpointUse::Run);
  impl.params.clear();
  for (auto &[name, p] : c.params)
    if (impl.program.model().param(name)) impl.params[name] = std::move(p.values);
  impl.mean = std::move(c.mean);
  impl.samples = c.samples;
  impl.progress = std::move(c.training);
}

std::vector<int64_t> dims_of(const ir::Shape &s) { return std::vector<int64_t>(s.d, s.d + s.rank); }

// Throws unless every one of `count` values is finite, naming the first that is not.
void check_finite_rows(const char *what, const float *values, int64_t count, int64_t width) {
  for (int64_t i = 0; i < count; ++i)
    if (!std::isfinite(values[i]))
      throw Error(std::string(what) + ": sample " + std::to_string(i / width) + ", column " + std::to_string(i % width + 1) +
                      " is not finite",
                  {}, false);
}

// Hands progress to the application's callback and its answer back to the trainer.
class CallbackObserver : public runtime::TrainObserver {
public:
  explicit CallbackObserver(const ProgressCallback &cb) : cb_(cb) {}
  void on_step(const runtime::StepReport &s) override { tell(Progress{s.epoch, s.epochs, s.done, s.epoch_size, s.loss, s.lr, false, NAN}); }
  void on_epoch(const runtime::EpochReport &e) override { tell(Progress{e.epoch, e.epochs, 0, 0, e.loss, e.lr, true, e.val_loss}); }
  bool stop_requested() override { return stop_; }

private:
  void tell(const Progress &p) {
    if (!cb_) return;
    try {
      if (!cb_(p)) stop_ = true;
    } catch (...) {
      throw FromApplication{std::current_exception()};
    }
  }
  const ProgressCallback &cb_;
  bool stop_ = false;
};

// TrainSettings (public, aec/aec.h) has a field for every option of the schema that the API
// takes (support/train_options.def; a test checks the fields and their defaults against it). The
// types are the same, except that a schedule is text in the API.
template <class To, class From> void assign(To &to, const From &from) { to = from; }
void assign(Schedule &to, const std::string &from) {
  if (std::string why = train_options::parse<train_options::Type::LrSchedule>(from, to); !why.empty())
    throw InputError("TrainSettings: schedule " + from + ": " + why);
}
void assign(std::string &to, const Schedule &from) { to = to_string(from); }

TrainConfig to_config(const TrainSettings &s) {
  TrainConfig c;
#define TRAIN_OPTION(name, type, default_value, help, places)                                                                              \
  if (train_options::find(#name)->where & train_options::Api) assign(c.name, s.name);
#include "support/train_options.def"
#undef TRAIN_OPTION
  if (std::string problem = train_options::first_problem(c, train_options::Api); !problem.empty())
    throw InputError("TrainSettings: " + problem);
  return c;
}

TrainSettings to_settings(const TrainConfig &c) {
  TrainSettings s;
#define TRAIN_OPTION(name, type, default_value, help, places)                                                                              \
  if (train_options::find(#name)->where & train_options::Api) assign(s.name, c.name);
#include "support/train_options.def"
#undef TRAIN_OPTION
  return s;
}

} // namespace

Data Data::load(const std::string &spec) {
  return translated([&] {
    runtime::Dataset d = load_data(spec);
    d.load_into_memory(); // Data holds its values
    return Data{d.n, d.width, std::move(d.values), d.description, d.bytes_scaled};
  });
}

Data Data::from_rows(const float *values, int64_t samples, int64_t width) {
  if (samples < 1 || width < 1) throw Error("Data::from_rows: samples and width must be positive", {}, false);
  Data d{samples, width, std::vector<float>(values, values + samples * width),
         std::to_string(samples) + " samples of width " + std::to_string(width) + " from memory"};
  check_finite_rows("Data::from_rows", d.values.data(), samples * width, width);
  return d;
}

Data Data::view(const float *values, int64_t samples, int64_t width, std::shared_ptr<const void> owner) {
  if (samples < 1 || width < 1) throw Error("Data::view: samples and width must be positive", {}, false);
  check_finite_rows("Data::view", values, samples * width, width);
  Data d{samples, width, {}, std::to_string(samples) + " samples of width " + std::to_string(width) + " in the application's memory"};
  d.viewed = values;
  d.owner = std::move(owner);
  return d;
}

Program Program::from_file(const std::string &path, std::optional<int64_t> width, const std::map<std::string, std::string> &set) {
  return translated([&] { return Program(std::make_shared<Impl>(Impl{LoadedProgram::from_file(path, width, set), {}, {}, 0, {}})); });
}

Program Program::from_string(const std::string &name, const std::string &text, std::optional<int64_t> width,
                             const std::map<std::string, std::string> &set) {
  return translated([&] {
    return Program(std::make_shared<Impl>(Impl{LoadedProgram::from_string(name, text, width, set), {}, {}, 0, {}}));
  });
}

Program Program::for_inputs(const std::map<std::string, int64_t> &widths) const {
  return translated([&] {
    const Model &m = impl_->program.model();
    for (const auto &[name, width] : widths)
      if (!m.input(name)) throw InputError("for_inputs: the program has no input " + name + " (it has: " + listed(input_names(m)) + ")");
    const SourceFile &src = impl_->program.source();
    return Program(
        std::make_shared<Impl>(Impl{LoadedProgram::from_string(src.name, src.text, std::nullopt, widths, m.overrides), {}, {}, 0, {}}));
  });
}

Program Program::with_checkpoint(const std::string &path) const {
  return translated([&] {
    Checkpoint c = runtime::load_checkpoint(path);
    const Model &m = impl_->program.model();
    // The widths the checkpoint's data had: the first input's, and every input whose size is a
    // dim the checkpoint knows.
    std::map<std::string, int64_t> widths{{m.first_input().name, c.width}};
    for (const InputInfo &in : m.inputs)
      if (auto d = c.dims.find(in.dim); !in.dim.empty() && d != c.dims.end()) widths.emplace(in.name, d->second);
    std::map<std::string, std::string> set = c.overrides;
    for (const auto &[name, value] : m.overrides) set[name] = value; // given here: wins
    const SourceFile &src = impl_->program.source();
    Program p(std::make_shared<Impl>(Impl{LoadedProgram::from_string(src.name, src.text, std::nullopt, widths, set), {}, {}, 0, {}}));
    load_into(*p.impl_, std::move(c), path);
    return p;
  });
}

TrainSettings Program::defaults() const { return to_settings(impl_->program.train_defaults()); }

std::vector<InputWidth> Program::inputs() const {
  std::vector<InputWidth> out;
  for (const InputInfo &in : impl_->program.model().inputs) out.push_back({in.name, in.width > 0 ? int64_t(in.width) : 0});
  return out;
}

ParamShape Program::param_shape(const std::string &name) const {
  return translated([&] {
    const ParamInfo *p = impl_->program.model().param(name);
    if (!p) throw InputError("param_shape(" + name + "): no such param");
    return ParamShape{dims_of(p->shape), p->per_sample ? impl_->samples : 0};
  });
}

std::vector<std::string> Program::outputs() const { return impl_->program.model().outputs; }

std::vector<std::string> Program::params() const {
  std::vector<std::string> names;
  for (const ParamInfo &p : impl_->program.model().params) names.push_back(p.name);
  return names;
}

namespace {
// `inputs` bound to the program's inputs as the command line binds its --data NAME=SOURCE.
runtime::Dataset bound(const Model &m, const Inputs &inputs, const std::vector<std::string> &required) {
  runtime::LoadedSources sources;
  for (const auto &[name, data] : inputs) {
    sources.bindings.push_back({name, data.description, "inputs[\"" + name + "\"]"});
    sources.data.push_back(to_dataset(data));
  }
  return runtime::bind_inputs(m, std::move(sources), required);
}

} // namespace

namespace {
TrainReport train_on(Program::Impl &impl, runtime::Dataset d, const TrainSettings &settings, const ProgressCallback &progress) {
  {
    TrainConfig c = to_config(settings);
    std::optional<Checkpoint> resume;
    CallbackObserver observer(progress);
    runtime::TrainOptions o;
    o.observer = &observer;
    o.save_path = settings.save_path;
    o.save_every = settings.save_every;
    if (!settings.resume_path.empty()) {
      resume = runtime::load_checkpoint(settings.resume_path);
      runtime::check_checkpoint_matches(*resume, impl.program.model(), settings.resume_path, runtime::CheckpointUse::Resume);
      o.resume = &*resume;
    }
    TrainResult r = aec::train(impl.program, d, c, o);
    impl.params = std::move(r.params);
    impl.mean = r.center_mean;
    impl.samples = d.n;
    impl.progress = r.progress;
    TrainReport report;
    report.initial_loss = r.initial_loss;
    report.final_loss = r.final_loss;
    report.samples_per_second = r.samples_per_second;
    report.seconds = r.seconds;
    report.compile_ms = r.compile_ms;
    report.epochs = r.epochs;
    report.epoch_losses = r.epoch_losses;
    report.val_losses = r.val_losses;
    report.cancelled = r.stop == runtime::StopReason::Interrupted;
    report.stopped_early = r.stop == runtime::StopReason::EarlyStopped;
    report.best_epoch = r.best_epoch;
    for (const auto &p : r.pca) report.pca.push_back({p.param, p.max_angle_deg, p.recon_error, p.optimal_error});
    return report;
  }
}
} // namespace

TrainReport Program::train(const Data &data, const TrainSettings &settings, const ProgressCallback &progress) {
  return translated([&] { return train_on(*impl_, to_dataset(data), settings, progress); });
}

TrainReport Program::train(const Inputs &inputs, const TrainSettings &settings, const ProgressCallback &progress) {
  return translated([&] {
    const Model &m = impl_->program.model();
    return train_on(*impl_, bound(m, inputs, input_names(m)), settings, progress);
  });
}

namespace {
Output evaluate_on(const Program::Impl &impl, const std::string &output, runtime::Dataset d) {
  {
    if (impl.params.empty())
      throw InputError("evaluate(" + output + "): the program has no params yet: train it or load a checkpoint first");
    Checkpoint ck = runtime::make_checkpoint(impl.program.model(), impl.samples, impl.mean, impl.params);
    ck.training = impl.progress; // the batch statistics' averages
    std::ostringstream quiet;
    OutputValues v = runtime::run_output(impl.program.model(), d, ck, output, RunConfig{}, quiet);
    // An image [c, h, w] is handed out as its row-major entries: a vector of c h w per sample.
    if (v.shape.rank > 2) return Output{v.n, v.shape.numel(), 1, std::move(v.values), dims_of(v.shape)};
    return Output{v.n, v.shape.rows(), v.shape.cols(), std::move(v.values), dims_of(v.shape)};
  }
}
} // namespace

Output Program::evaluate(const std::string &output, const Data &data) const {
  return translated([&] {
    runtime::Dataset d = to_dataset(data);
    check_data_width(impl_->program, d, "evaluate(" + output + "): ");
    return evaluate_on(*impl_, output, std::move(d));
  });
}

Output Program::evaluate(const std::string &output, const Inputs &inputs) const {
  return translated([&] {
    const Model &m = impl_->program.model();
    return evaluate_on(*impl_, output, bound(m, inputs, runtime::inputs_read(m, {"out." + output})));
  });
}

std::vector<float> Program::param(const std::string &name) const {
  return translated([&] {
    auto it = impl_->params.find(name);
    if (it == impl_->params.end())
      throw InputError("param(" + name + "): " +
                       (impl_->params.empty() ? "the program has no params yet: train it or load a checkpoint first" : "no such param"));
    return it->second;
  });
}

void Program::save(const std::string &path) const {
  translated([&] {
    if (impl_->params.empty()) throw InputError(path + ": nothing to save: train the program or load a checkpoint first");
    Checkpoint c = runtime::make_checkpoint(impl_->program.model(), impl_->samples, impl_->mean, impl_->params);
    c.training = impl_->progress;
    runtime::save_checkpoint(path, c);
  });
}

void Program::load(const std::string &path) {
  translated([&] { load_into(*impl_, runtime::load_checkpoint(path), path); });
}

} // namespace aec
