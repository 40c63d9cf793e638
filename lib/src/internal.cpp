#include "internal.h"
#include "driver/driver.h"

namespace aec {

namespace {
std::shared_ptr<const Model> load(const SourcePtr &src, std::optional<int64_t> width, const Overrides &set,
                                  const std::map<std::string, int64_t> &input_widths = {}) {
  ElaborateOptions o;
  o.data_width = width;
  o.input_widths = input_widths;
  o.overrides = set;
  return std::make_shared<const Model>(driver::load_model(src, o));
}
} // namespace

LoadedProgram LoadedProgram::from_file(const std::string &path, std::optional<int64_t> data_width, const Overrides &set) {
  LoadedProgram p;
  p.model_ = load(driver::read_source(path), data_width, set);
  return p;
}

LoadedProgram LoadedProgram::from_string(const std::string &name, const std::string &text, std::optional<int64_t> data_width,
                                         const std::map<std::string, int64_t> &input_widths, const Overrides &set) {
  LoadedProgram p;
  p.model_ = load(driver::source_from_string(name, text), data_width, set, input_widths);
  return p;
}

LoadedProgram LoadedProgram::from_string(const std::string &name, const std::string &text, std::optional<int64_t> data_width,
                                         const Overrides &set) {
  LoadedProgram p;
  p.model_ = load(driver::source_from_string(name, text), data_width, set);
  return p;
}

TrainConfig LoadedProgram::train_defaults() const { return runtime::config_from_model(*model_); }

Dataset load_data(const std::string &spec) { return runtime::load_dataset(spec); }

void check_data_width(const LoadedProgram &p, const Dataset &data, const std::string &context) {
  if (!data.inputs.empty()) return; // bound to several inputs by name: checked when bound
  if (p.model().first_input().width != data.width)
    throw InputError(context + "the data has samples of width " + std::to_string(data.width) + " but the program was compiled for width " +
                     std::to_string(p.model().first_input().width));
}

TrainResult train(const LoadedProgram &p, Dataset &data, const TrainConfig &config, std::ostream &log) {
  runtime::LineReporter reporter(log, false);
  TrainOptions o;
  o.observer = &reporter;
  return train(p, data, config, o);
}

TrainResult train(const LoadedProgram &p, Dataset &data, const TrainConfig &config, const TrainOptions &options) {
  check_data_width(p, data);
  return runtime::train(p.model(), data, config, options);
}

void save_checkpoint(const LoadedProgram &p, const TrainResult &r, int64_t samples, const std::string &path) {
  Checkpoint c = runtime::make_checkpoint(p.model(), samples, r.center_mean, r.params);
  c.training = r.progress;
  runtime::save_checkpoint(path, c);
}

OutputValues run(const LoadedProgram &p, Dataset &data, const std::string &path, const std::string &output, const RunConfig &config,
                 std::ostream &log) {
  return run(p, data, runtime::load_checkpoint(path), path, output, config, log);
}

OutputValues run(const LoadedProgram &p, Dataset &data, const Checkpoint &c, const std::string &path, const std::string &output,
                 const RunConfig &config, std::ostream &log) {
  check_data_width(p, data);
  runtime::check_checkpoint_matches(c, p.model(), path, runtime::CheckpointUse::Run);
  return runtime::run_output(p.model(), data, c, output, config, log);
}

std::vector<runtime::GradcheckEntry> gradcheck(const LoadedProgram &p, const Dataset &data, int64_t samples, int64_t entries_per_param) {
  return runtime::gradcheck(p.model(), data, samples, entries_per_param);
}

runtime::Spectrum spectrum(const Dataset &data) { return runtime::spectrum(data); }

} // namespace aec
