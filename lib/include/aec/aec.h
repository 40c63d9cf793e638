// aec's C++ embedding API: compile a .ae program, train it on data from a file or from memory,
// evaluate any named output, save and load checkpoints. Self-contained (the standard library
// only); link the `aec::aec` target of `find_package(aec)`.
//
//   aec::Data data = aec::Data::load("fashion-mnist");
//   aec::Program prog = aec::Program::from_file("relu_ae.ae", data.width, {{"k", "32"}});
//   aec::TrainSettings s = prog.defaults();           // the program's `train` line
//   s.epochs = 3;
//   aec::TrainReport r = prog.train(data, s, [](const aec::Progress &p) { return true; });
//   aec::Output code = prog.evaluate("code", data);    // one row per sample
//
// Every error is an aec::Error: what() is the message as the command line prints it (for a .ae
// program: file:line:col, the source line and a caret), messages() the same as values.
// Independent Program objects may be used from different threads at the same time; one Program
// is used by one thread at a time.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace aec {

// One diagnostic. For a .ae program: its file, line and column (from 1) and the width to
// underline; for data, flags or checkpoints, line is 0 and `text` names the file and the problem.
struct Message {
  std::string file;
  int line = 0, column = 0, length = 0;
  std::string text;
  std::string note;
};

class Error : public std::runtime_error {
public:
  Error(const std::string &rendered, std::vector<Message> messages, bool in_program)
      : std::runtime_error(rendered), messages_(std::move(messages)), in_program_(in_program) {}
  const std::vector<Message> &messages() const { return messages_; }
  bool in_program() const { return in_program_; } // a .ae diagnostic, rather than data or a file

private:
  std::vector<Message> messages_;
  bool in_program_;
};

// Samples of `width` floats, sample after sample (row-major: one row per sample): its own
// `values`, or a view of the application's memory (Data::view; `values` is then empty).
struct Data {
  int64_t samples = 0, width = 0;
  std::vector<float> values;
  std::string description;
  bool bytes_scaled = false;         // unsigned bytes read as value / 255 (as class ids: value * 255)
  const float *viewed = nullptr;     // a view's first value
  std::shared_ptr<const void> owner; // kept while a view is in use: what keeps `viewed` alive

  // fashion-mnist, fashion-mnist:test, synthetic:lowrank?..., or an IDX, NPY or CSV file.
  static Data load(const std::string &spec);
  // A copy of `samples` x `width` floats from memory, row-major (aec/eigen.h adds Eigen).
  static Data from_rows(const float *values, int64_t samples, int64_t width);
  // The same floats used in place, without a copy: training and evaluating read them where they
  // are and never write them (with center=true the mean is subtracted as samples are read). They
  // must stay alive and unchanged while in use; `owner`, when given, is held until then.
  static Data view(const float *values, int64_t samples, int64_t width, std::shared_ptr<const void> owner = {});
  const float *rows() const { return viewed ? viewed : values.data(); }
};

struct TrainSettings {
  int64_t epochs = 10, batch = 256;
  double lr = 1e-3;
  std::string optimizer = "adam"; // sgd, momentum, adam
  uint64_t seed = 0;
  std::string schedule = "constant"; // constant, step[:EVERY[:FACTOR]], cosine
  double clip = 0;                   // > 0: clip gradients to this global norm
  bool center = false;               // subtract the training mean first (the program's `train center=true`)
  double val = 0;                    // fraction held out for validation
  int64_t patience = 0;              // > 0: early stopping on the validation loss
  std::string freeze;                // params kept at their starting values, e.g. "W1,b1" (fine-tuning)
  std::string precision = "fp32";    // fp32, or bf16: products from bfloat16 operands, float32 sums
  int threads = 0;                   // cores for GEMMs; 0: every core this process may use
  std::string save_path;             // checkpoints after every epoch (and every save_every steps)
  int64_t save_every = 0;
  std::string resume_path; // continue the run saved there, bit for bit
};

struct Progress {
  int64_t epoch = 0, epochs = 0; // 1-based
  int64_t samples_done = 0, epoch_samples = 0;
  double loss = 0; // running mean of the epoch
  double lr = 0;
  bool epoch_end = false; // the last call of an epoch: val_loss is set
  double val_loss = 0;    // NaN without a validation split
};
// Called after every training step; returning false stops training after that step (with a
// checkpoint when save_path is set).
using ProgressCallback = std::function<bool(const Progress &)>;

struct PcaCheck {
  std::string param;
  double max_angle_deg = 0, recon_error = 0, optimal_error = 0;
};

struct TrainReport {
  double initial_loss = 0, final_loss = 0;
  double samples_per_second = 0, seconds = 0, compile_ms = 0;
  int64_t epochs = 0;
  std::vector<double> epoch_losses, val_losses;
  bool cancelled = false, stopped_early = false;
  int64_t best_epoch = 0;
  std::vector<PcaCheck> pca;
};

// A named output on every sample: `rows` x `cols` floats per sample (column-major within it),
// sample after sample. An image output [c, h, w] comes as its c h w entries in row-major order
// (rows = c h w, cols = 1).
// The data of several inputs, by the inputs' names: sample i of each belongs together. Data of
// one value per sample for an input `[c]` with c > 1 holds class ids, read as one-hot vectors.
using Inputs = std::map<std::string, Data>;

struct Output {
  int64_t samples = 0, rows = 0, cols = 0;
  std::vector<float> values;
  std::vector<int64_t> shape; // one sample's, as declared: {} a number, {k}, {r, c}, {c, h, w}
};

// An input of a program and the width of its samples (0 while it is taken from data not yet seen).
struct InputWidth {
  std::string name;
  int64_t width = 0;
};

// A param's shape as declared ({} a number, {k}, {r, c}, a filter bank {o, c, kh, kw}) and, for
// a param declared `per sample`, its rows: one per sample of the data it was fitted to (else 0).
struct ParamShape {
  std::vector<int64_t> dims;
  int64_t samples = 0;
};

class Program {
public:
  // Parses and checks a program for data of `width` floats per sample (without one, sizes taken
  // from the data stay symbolic: check only). `set` overrides dims and hypers by name.
  static Program from_file(const std::string &path, std::optional<int64_t> width = std::nullopt,
                           const std::map<std::string, std::string> &set = {});
  static Program from_string(const std::string &name, const std::string &text, std::optional<int64_t> width = std::nullopt,
                             const std::map<std::string, std::string> &set = {});

  // The same program for data of these widths, by input name: what `width` of from_file is for
  // the first input, for every input (a dim taken from the data comes from the first input that
  // names it). The result starts without params.
  Program for_inputs(const std::map<std::string, int64_t> &widths) const;
  // The same program for the data a checkpoint was trained on (its widths, and its --set values
  // where this program was given none), with the checkpoint's params: from_file(path), then
  // with_checkpoint(ckpt), is a trained model, whatever overrides and data it was trained with.
  Program with_checkpoint(const std::string &path) const;

  TrainSettings defaults() const;           // the program's `train` statement
  std::vector<std::string> outputs() const; // the names of its `output` statements
  std::vector<std::string> params() const;
  std::vector<InputWidth> inputs() const; // in declaration order
  ParamShape param_shape(const std::string &name) const;

  // Trains from freshly initialized params (or from settings.resume_path). `data` is left as it
  // is (with center=true, the model subtracts the training mean, and evaluate() does too).
  TrainReport train(const Data &data, const TrainSettings &settings, const ProgressCallback &progress = {});
  // The same for a program with several inputs, each bound by name (the width the program was
  // loaded with is the first input's).
  TrainReport train(const Inputs &inputs, const TrainSettings &settings, const ProgressCallback &progress = {});
  // A named output on every sample with the current params (after train or load); per-sample params
  // are fitted to the samples first.
  Output evaluate(const std::string &output, const Data &data) const;
  // The same with several inputs: only those the output reads are needed.
  Output evaluate(const std::string &output, const Inputs &inputs) const;
  // Current values: a matrix column-major, a filter bank or image row-major (as the checkpoint
  // holds them), a per-sample param sample after sample.
  std::vector<float> param(const std::string &name) const;

  void save(const std::string &path) const; // a checkpoint of the current params
  void load(const std::string &path);       // params from a checkpoint of this same program

  struct Impl;

private:
  explicit Program(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<Impl> impl_;
};

} // namespace aec
