// The project-internal facade over the compiler and runtime that the `aec` command line and the
// white-box tests use: programs as the front end's Model, data as Dataset, training with the
// runtime's config and observers. Embedding applications use the public lib/include/aec/aec.h.
//
// Errors are thrown: aec::CompileError (a .ae diagnostic: e.render() gives file:line:col, the
// source line and a caret; e.diagnostics() the same as values)
// and aec::InputError (data, flags: the message names the file and what is wrong).
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "runtime/checkpoint.h"
#include "runtime/dataset.h"
#include "runtime/gradcheck.h"
#include "runtime/pca.h"
#include "runtime/run_output.h"
#include "runtime/trainer.h"
#include "sema/model.h"
#include "source/diagnostics.h"

namespace aec {

using runtime::Checkpoint;
using runtime::Dataset;
using runtime::OutputValues;
using runtime::RunConfig;
using runtime::TrainConfig;
using runtime::TrainObserver;
using runtime::TrainOptions;
using runtime::TrainResult;

// --set style overrides of dims and hypers, by name.
using Overrides = std::map<std::string, std::string>;

class LoadedProgram {
public:
  // Parses and checks a program. With a data width every size is bound and the program can be
  // trained; without one, shapes that depend on the data stay symbolic (checking only).
  static LoadedProgram from_file(const std::string &path, std::optional<int64_t> data_width, const Overrides &set = {});
  static LoadedProgram from_string(const std::string &name, const std::string &text, std::optional<int64_t> data_width,
                                   const Overrides &set = {});
  // With the widths of the sources bound to inputs by name (a program with several inputs).
  static LoadedProgram from_string(const std::string &name, const std::string &text, std::optional<int64_t> data_width,
                                   const std::map<std::string, int64_t> &input_widths, const Overrides &set);

  const Model &model() const { return *model_; }
  const SourceFile &source() const { return *model_->source; }
  // The program's `train` statement as a config (command-line flags go on top of it).
  TrainConfig train_defaults() const;

private:
  std::shared_ptr<const Model> model_;
};

// fashion-mnist, fashion-mnist:test, synthetic:lowrank?..., or an IDX, NPY or CSV file.
Dataset load_data(const std::string &spec);

// Throws InputError unless `data` has the width the program was compiled for (`context` prefixes
// the message).
void check_data_width(const LoadedProgram &p, const Dataset &data, const std::string &context = "");

// Trains on `data` (centered in place when the config says so); progress lines go to `log`.
TrainResult train(const LoadedProgram &p, Dataset &data, const TrainConfig &config, std::ostream &log);
// The same with an observer (progress, cancellation), periodic checkpoints or a run to resume.
TrainResult train(const LoadedProgram &p, Dataset &data, const TrainConfig &config, const TrainOptions &options);

// Writes the trained model (params, training mean, where training stands) with the program's
// identity, atomically.
void save_checkpoint(const LoadedProgram &p, const TrainResult &r, int64_t samples, const std::string &path);

// A named output on every sample of `data`, with the params of the checkpoint at `path` (which
// must come from this program with the same --set values); per-sample params are fitted first.
OutputValues run(const LoadedProgram &p, Dataset &data, const std::string &path, const std::string &output, const RunConfig &config,
                 std::ostream &log);
// The same with the checkpoint already loaded from `path`.
OutputValues run(const LoadedProgram &p, Dataset &data, const Checkpoint &c, const std::string &path, const std::string &output,
                 const RunConfig &config, std::ostream &log);

// Symbolic gradients against finite differences (double precision, noise held fixed).
std::vector<runtime::GradcheckEntry> gradcheck(const LoadedProgram &p, const Dataset &data, int64_t samples, int64_t entries_per_param);

// Singular values and directions of the data (samples as columns), for PCA facts.
runtime::Spectrum spectrum(const Dataset &data);

} // namespace aec
