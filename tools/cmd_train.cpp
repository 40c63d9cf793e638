// aec train FILE.ae [--data D] [--epochs N] [--batch N] [--lr X] [--optimizer O] [--seed N]
//   [--schedule S] [--clip X] [--val F] [--patience N] [--threads N] [--set name=value]...
//   [--save CKPT] [--save-every STEPS] [--resume CKPT] [--plot PNG] [--max-memory SIZE] [--strict] [--pca-tol DEG] [--json]
#include "commands.h"
#include "source/diagnostics.h"
#include "runtime/work_sharing.h"
#include "runtime/memory_plan.h"
#include "runtime/optimizer.h"
#include "runtime/pictures.h"
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
// the current step, with a checkpoint when --save is given.
class CliObserver : public runtime::LineReporter {
public:
  CliObserver() : LineReporter(std::cout, isatty(STDOUT_FILENO) != 0) {
    std::signal(SIGINT, request_stop);
    std::signal(SIGTERM, request_stop);
  }
  ~CliObserver() override {
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
  }
  bool stop_requested() override { return g_stop_signal != 0; }
};

// The settings a flag can change, and what the flags say.
TrainConfig apply_flags(TrainConfig c, const Args &a) {
  if (auto v = a.get_int("epochs", 1)) c.epochs = *v;
  if (auto v = a.get_int("batch", 1)) c.batch = *v;
  if (auto v = a.get_double("lr", 0.0)) c.lr = *v;
  if (auto v = a.get_int("seed", 0)) c.seed = static_cast<uint64_t>(*v);
  if (auto v = a.get_int("threads", 1)) c.threads = static_cast<int>(*v);
  if (auto v = a.get_double("clip", 0.0)) c.clip = *v;
  if (auto v = a.get_double("val", 0.0)) {
    if (*v >= 1) throw InputError("--val " + *a.get("val") + ": expected a fraction below 1, e.g. --val 0.1");
    c.val = *v;
  }
  if (auto v = a.get_int("patience", 1)) c.patience = *v;
  if (auto v = a.get("schedule")) c.schedule = runtime::parse_schedule(*v, "--schedule");
  if (auto o = a.get("optimizer")) {
    if (!runtime::is_optimizer_name(*o)) throw InputError("--optimizer " + *o + ": expected sgd, momentum or adam");
    c.optimizer = *o;
  }
  return c;
}

// A resumed run keeps the settings it started with: only --epochs and --threads may differ.
TrainConfig resumed_config(const runtime::TrainingProgress &run, const std::string &path, const TrainConfig &requested) {
  TrainConfig c = run.config;
  auto differs = [&](const char *flag, const std::string &mine, const std::string &saved) {
    if (mine != saved)
      throw InputError(std::string("--") + flag + " " + mine + ": the run in " + path + " uses " + saved +
                       "; a resumed run keeps its settings (only --epochs and --threads may change)");
  };
  auto num = [](double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%.9g", v);
    return std::string(b);
  };
  differs("batch", std::to_string(requested.batch), std::to_string(c.batch));
  differs("lr", num(requested.lr), num(c.lr));
  differs("optimizer", requested.optimizer, c.optimizer);
  differs("seed", std::to_string(requested.seed), std::to_string(c.seed));
  differs("schedule", runtime::to_string(requested.schedule), runtime::to_string(c.schedule));
  differs("clip", num(requested.clip), num(c.clip));
  differs("val", num(requested.val), num(c.val));
  differs("patience", std::to_string(requested.patience), std::to_string(c.patience));
  c.epochs = requested.epochs;
  c.threads = requested.threads;
  return c;
}

} // namespace

int cmd_train(const std::vector<std::string> &argv) {
  Args a(argv,
         {"data", "limit", "epochs", "batch", "lr", "optimizer", "seed", "threads", "pca-tol", "save", "save-every", "resume", "schedule",
          "clip", "val", "patience", "plot", "max-memory"},
         {"strict", "json"});
  SourcePtr program = read_program(a, "train");
  // Flags are checked before any slow work.
  (void)apply_flags(TrainConfig{}, a);
  auto tol = a.get_double("pca-tol", 0.0);
  auto save_every = a.get_int("save-every", 1);
  if (save_every && !a.has("save") && !a.has("resume")) throw InputError("--save-every needs --save CKPT (where to write)");
  const int64_t max_memory = a.has("max-memory") ? runtime::parse_memory_size(*a.get("max-memory"), "--max-memory") : 0;
  check_output_path(a.get("save"), "--save");
  check_output_path(a.get("plot"), "--plot");

  Dataset data = load_data_for(a, std::cout);
  auto parse_start = std::chrono::steady_clock::now();
  LoadedProgram prog = load_program(program, data.width, a);
  warn_about_unused_params(prog, std::cerr);
  double front_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - parse_start).count();

  TrainConfig c = apply_flags(prog.train_defaults(), a);
  if (c.threads < 1) c.threads = runtime::available_cores();
  TrainOptions options;
  options.save_path = a.get("save").value_or("");
  options.save_every = save_every.value_or(0);
  options.max_memory = max_memory;
  std::optional<Checkpoint> resume;
  if (auto from = a.get("resume")) {
    resume = runtime::load_checkpoint(*from);
    runtime::check_checkpoint_matches(*resume, prog.model(), *from, runtime::CheckpointUse::Resume);
    c = resumed_config(runtime::training_state(*resume, *from), *from, c);
    if (options.save_path.empty()) options.save_path = *from;
    options.resume = &*resume;
  }
  print_header(std::cout, program->name, data, c, resume ? &*resume->training : nullptr, options.save_path);
  if (resume && !a.has("save"))
    std::cout << "(the run goes on in the checkpoint it resumed from, " << options.save_path << "; --save CKPT keeps that one and writes elsewhere)"
              << std::endl;

  CliObserver observer;
  options.observer = &observer;
  TrainResult r = train(prog, data, c, options);
  r.compile_ms += front_ms;
  if (auto plot = a.get("plot")) {
    runtime::plot_losses(*plot, r.epoch_losses, r.val_losses, prog.source().name.substr(prog.source().name.rfind('/') + 1));
    std::cout << "drew " << *plot << std::endl;
  }
  return report_result(std::cout, std::cerr, prog, r, c, options.save_path, tol.value_or(1.0), a.has("strict"), a.has("json"),
                       g_stop_signal);
}

} // namespace aec::cli
