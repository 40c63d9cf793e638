// aec train FILE.ae [--data D] [--OPTION VALUE]... [--set name=value]... [--save CKPT] [--save-every STEPS]
//   [--resume CKPT] [--init CKPT] [--freeze NAMES] [--plot PNG] [--max-memory SIZE] [--strict] [--pca-tol DEG] [--profile] [--json]
// where each OPTION is a training option that may be a flag (support/train_options.def).
#include "commands.h"
#include "runtime/batch_gradient.h"
#include "runtime/memory_plan.h"
#include "runtime/optimizer.h"
#include "runtime/pictures.h"
#include "runtime/work_sharing.h"
#include "runtime/world.h"
#include "source/diagnostics.h"
#include "support/train_options.h"
#include "train_report.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>

namespace aec::cli {

namespace {

std::atomic<int> g_stop_signal{0};
extern "C" void request_stop(int sig) { g_stop_signal = sig; }

// Progress lines (a live bar on a terminal) and Ctrl-C / SIGTERM as a request to stop after
// the current step, with a checkpoint when --save is given. Under mpirun, lines only: Open MPI
// gives every process a terminal whether or not mpirun's own output is one (a log, say).
class CliObserver : public runtime::LineReporter {
public:
  CliObserver() : LineReporter(std::cout, isatty(STDOUT_FILENO) != 0 && !runtime::World::get().data_parallel()) {
    std::signal(SIGINT, request_stop);
    std::signal(SIGTERM, request_stop);
  }
  ~CliObserver() override {
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
  }
  bool stop_requested() override { return g_stop_signal != 0; }
};

// A resumed run keeps the settings it started with: only the resumable ones may differ.
TrainConfig resumed_config(const runtime::TrainingProgress &run, const std::string &path, const TrainConfig &requested) {
  namespace opts = train_options;
  TrainConfig c = run.config;
  std::vector<std::string> resumable;
  for (const opts::Spec &spec : opts::specs()) {
    if (spec.where & opts::Resumable) {
      resumable.push_back((spec.where & opts::Flag ? "--" : "") + std::string(spec.name));
      opts::set(c, spec.name, opts::get(requested, spec.name));
    }
  }
  for (const opts::Spec &spec : opts::specs()) {
    if (!(spec.where & opts::Flag) || (spec.where & opts::Resumable)) continue;
    std::string mine = opts::get(requested, spec.name), saved = opts::get(run.config, spec.name);
    if (mine != saved)
      throw InputError("--" + std::string(spec.name) + " " + mine + ": the run in " + path + " uses " + saved +
                       "; a resumed run keeps its settings (only " + opts::listed(resumable, " and ") + " may change)");
  }
  return c;
}

// Where the output of every process but the first goes.
struct NullBuffer : std::streambuf {
  int overflow(int c) override { return c; }
};

} // namespace

int cmd_train(const std::vector<std::string> &argv) {
  std::set<std::string> flags = {"data", "limit", "pca-tol", "save", "save-every", "resume", "init", "plot", "max-memory"};
  for (const std::string &option : train_options::names(train_options::Flag)) flags.insert(option);
  Args a(argv, flags, {"strict", "json", "profile"});
  SourcePtr program = read_program(a, "train");
  // Flags are checked before any slow work.
  (void)apply_flags(TrainConfig{}, a);
  auto tol = a.get_double("pca-tol", 0.0);
  auto save_every = a.get_int("save-every", 1);
  if (save_every && !a.has("save") && !a.has("resume")) throw InputError("--save-every needs --save CKPT (where to write)");
  // Under mpirun every process trains its share of each batch; only the first prints and writes.
  const runtime::World &world = runtime::World::get();
  static NullBuffer silent;
  if (!world.first()) {
    std::cout.rdbuf(&silent);
    std::cerr.rdbuf(&silent);
  }
  const int64_t max_memory = a.has("max-memory") ? runtime::parse_memory_size(*a.get("max-memory"), "--max-memory") : 0;
  check_output_path(a.get("save"), "--save");
  check_output_path(a.get("plot"), "--plot");

  runtime::LoadedSources sources = load_sources_for(a, std::cout);
  auto parse_start = std::chrono::steady_clock::now();
  LoadedProgram prog = load_program(program, sources, a);
  Dataset data = bind_data_for(prog, std::move(sources), a);
  warn_about_unused_params(prog, std::cerr);
  double front_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - parse_start).count();

  TrainConfig c = apply_flags(prog.train_defaults(), a);
  c.threads = runtime::team_for(c.threads);
  TrainOptions options;
  options.save_path = a.get("save").value_or("");
  options.save_every = save_every.value_or(0);
  options.max_memory = max_memory;
  options.profile = a.has("profile");
  std::optional<Checkpoint> resume;
  if (auto from = a.get("resume")) {
    resume = runtime::load_checkpoint(*from);
    runtime::check_checkpoint_matches(*resume, prog.model(), *from, runtime::CheckpointUse::Resume);
    c = resumed_config(runtime::training_state(*resume, *from), *from, c);
    if (options.save_path.empty()) options.save_path = *from;
    options.resume = &*resume;
  }
  std::optional<Checkpoint> init;
  if (auto from = a.get("init")) {
    if (resume) throw InputError("--init starts a new run from another model's params; --resume continues a run: give one of them");
    init = runtime::load_checkpoint(*from); // a checkpoint of any program: params match by name and shape
    options.init = &*init;
  }
  print_header(std::cout, program->name, data, c, resume ? &*resume->training : nullptr, options.save_path);
  if (world.data_parallel())
    std::cout << "mpirun: " << world.size() << " process" << (world.size() == 1 ? "" : "es") << "; each batch is cut into chunks of up to "
              << runtime::StepComputer::chunk_samples(c.batch)
              << " samples, shared among them and summed in one fixed order (the same bits for any number of processes)" << std::endl;
  if (resume && !a.has("save"))
    std::cout << "(the run goes on in the checkpoint it resumed from, " << options.save_path
              << "; --save CKPT keeps that one and writes elsewhere)" << std::endl;

  CliObserver observer;
  options.observer = &observer;
  if (init) {
    std::vector<std::string> taken = runtime::params_found_in(prog.model(), *init, data.n), left;
    for (const ParamInfo &p : prog.model().params)
      if (std::find(taken.begin(), taken.end(), p.name) == taken.end()) left.push_back(p.name);
    auto listed = [](const std::vector<std::string> &names) {
      std::string s;
      for (const std::string &n : names) s += (s.empty() ? "" : ", ") + n;
      return s.empty() ? std::string("none") : s;
    };
    std::cout << "--init " << *a.get("init") << ": " << listed(taken) << " start from it; " << listed(left)
              << " from their initializers (no param of that name and shape there)" << std::endl;
  }
  TrainResult r = train(prog, data, c, options);
  r.compile_ms += front_ms;
  if (auto plot = a.get("plot"); plot && world.first()) {
    runtime::plot_losses(*plot, r.epoch_losses, r.val_losses, prog.source().name.substr(prog.source().name.rfind('/') + 1));
    std::cout << "drew " << *plot << std::endl;
  }
  return report_result(std::cout, std::cerr, prog, r, c, options.save_path, tol.value_or(1.0), a.has("strict"), a.has("json"),
                       g_stop_signal);
}

} // namespace aec::cli
