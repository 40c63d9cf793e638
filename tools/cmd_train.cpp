// aec train FILE.ae [--data D] [--epochs N] [--batch N] [--lr X] [--optimizer O] [--seed N]
//   [--threads N] [--set name=value]... [--strict] [--pca-tol DEG] [--json]
#include "commands.h"
#include "support/diagnostics.h"

#include <chrono>
#include <cstdio>
#include <sstream>

namespace aec::cli {

namespace {

std::string json_number(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

std::string json_result(const TrainResult &r) {
  std::ostringstream os;
  os << "{\"final_loss\": " << json_number(r.final_loss) << ", \"samples_per_second\": " << json_number(r.samples_per_second)
     << ", \"initial_loss\": " << json_number(r.initial_loss) << ", \"epochs\": " << r.epochs << ", \"seconds\": " << json_number(r.seconds) << ", \"compile_ms\": " << json_number(r.compile_ms)
     << ", \"epoch_losses\": [";
  for (size_t i = 0; i < r.epoch_losses.size(); ++i) os << (i ? ", " : "") << json_number(r.epoch_losses[i]);
  os << "]";
  if (!r.pca.empty()) {
    os << ", \"pca\": [";
    for (size_t i = 0; i < r.pca.size(); ++i) {
      const auto &p = r.pca[i];
      os << (i ? ", " : "") << "{\"param\": \"" << p.param << "\", \"max_angle_deg\": " << json_number(p.max_angle_deg)
         << ", \"recon_error\": " << json_number(p.recon_error) << ", \"optimal_error\": " << json_number(p.optimal_error) << "}";
    }
    os << "]";
  }
  os << "}";
  return os.str();
}

// Where the program states `check pca(param)`, for the failure message.
Span check_span(const Model &m, const std::string &param) {
  for (const auto &c : m.checks)
    if (c.param == param) return c.span;
  return {};
}

} // namespace

int cmd_train(const std::vector<std::string> &argv) {
  Args a(argv, {"data", "limit", "epochs", "batch", "lr", "optimizer", "seed", "threads", "pca-tol", "save"}, {"strict", "json"});
  std::string path = program_path(a, "train");
  // Flags are checked before any slow work.
  auto epochs = a.get_int("epochs", 1), batch = a.get_int("batch", 1), seed = a.get_int("seed", 0), threads = a.get_int("threads", 1);
  auto lr = a.get_double("lr", 0.0), tol = a.get_double("pca-tol", 0.0);

  Dataset data = load_data_for(a, std::cout);
  auto parse_start = std::chrono::steady_clock::now();
  Program prog = load_program(path, data.width, a);
  double front_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - parse_start).count();

  TrainConfig c = prog.train_defaults();
  if (epochs) c.epochs = *epochs;
  if (batch) c.batch = *batch;
  if (lr) c.lr = *lr;
  if (seed) c.seed = static_cast<uint64_t>(*seed);
  if (threads) c.threads = static_cast<int>(*threads);
  if (auto o = a.get("optimizer")) {
    if (*o != "sgd" && *o != "momentum" && *o != "adam") throw InputError("--optimizer " + *o + ": expected sgd, momentum or adam");
    c.optimizer = *o;
  }
  std::cout << "training " << path << " on " << data.description << ": " << c.epochs << (c.epochs == 1 ? " epoch" : " epochs") << ", batch " << c.batch << ", "
            << c.optimizer << " lr " << c.lr << (c.center ? ", centered" : "") << ", " << c.threads << " thread"
            << (c.threads == 1 ? "" : "s") << std::endl;

  TrainResult r = train(prog, data, c, std::cout);
  r.compile_ms += front_ms;
  if (auto save = a.get("save")) {
    save_checkpoint(prog, r, data.n, *save);
    std::cout << "saved " << *save << "\n";
  }
  char line[256];
  std::snprintf(line, sizeof line, "final loss %.6g (first batch %.6g), %.0f samples/s, %.2f s training, %.0f ms compile",
                r.final_loss, r.initial_loss, r.samples_per_second, r.seconds, r.compile_ms);
  std::cout << line << "\n";
  double limit = tol.value_or(1.0);
  std::string failures;
  for (const auto &p : r.pca) {
    std::snprintf(line, sizeof line,
                  "check pca(%s): largest principal angle %.4f deg (tolerance %.3g); reconstruction error %.6g vs Eckart-Young optimum %.6g",
                  p.param.c_str(), p.max_angle_deg, limit, p.recon_error, p.optimal_error);
    std::cout << line;
    if (p.optimal_error > 0) {
      std::snprintf(line, sizeof line, " (ratio %.4f)", p.recon_error / p.optimal_error);
      std::cout << line;
    }
    std::cout << "\n";
    if (p.max_angle_deg > limit) {
      std::snprintf(line, sizeof line, "check pca(%s) failed: the largest principal angle is %.4g deg, above the tolerance of %.3g deg",
                    p.param.c_str(), p.max_angle_deg, limit);
      failures += render(prog.source(), Diagnostic{check_span(prog.model(), p.param), line, {}});
    }
  }
  if (a.has("json")) std::cout << json_result(r) << "\n";
  std::cout.flush();
  if (!failures.empty() && a.has("strict")) {
    std::cerr << failures;
    return 2;
  }
  return 0;
}

} // namespace aec::cli
