#include "train_report.h"
#include "json_text.h"
#include "profile_report.h"
#include "runtime/bfloat16.h"
#include "runtime/world.h"

#include <cmath>
#include <cstdio>
#include <iomanip>
#include <sstream>

namespace aec::cli {

namespace {

std::string json_array(const std::vector<double> &v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + json_number(v[i]);
  return s + "]";
}

const char *stop_name(runtime::StopReason s) {
  switch (s) {
  case runtime::StopReason::Completed: return "completed";
  case runtime::StopReason::EarlyStopped: return "early_stopped";
  case runtime::StopReason::Interrupted: return "interrupted";
  }
  return "completed";
}

std::string json_result(const TrainResult &r) {
  std::ostringstream os;
  os << "{\"final_loss\": " << json_number(r.final_loss) << ", \"samples_per_second\": " << json_number(r.samples_per_second)
     << ", \"initial_loss\": " << json_number(r.initial_loss) << ", \"epochs\": " << r.epochs << ", \"seconds\": " << json_number(r.seconds)
     << ", \"checkpoint_seconds\": " << json_number(r.checkpoint_seconds) << ", \"compile_ms\": " << json_number(r.compile_ms)
     << ", \"epoch_losses\": " << json_array(r.epoch_losses);
  if (runtime::World::get().data_parallel())
    os << ", \"processes\": " << runtime::World::get().size() << ", \"chunk_seconds\": " << json_number(r.chunk_seconds)
       << ", \"communication_seconds\": " << json_number(r.communication_seconds);
  if (!r.val_losses.empty()) os << ", \"val_losses\": " << json_array(r.val_losses) << ", \"best_epoch\": " << r.best_epoch;
  os << ", \"stop\": \"" << stop_name(r.stop) << "\"";
  if (!r.pca.empty()) {
    os << ", \"pca\": [";
    for (size_t i = 0; i < r.pca.size(); ++i) {
      const auto &p = r.pca[i];
      os << (i ? ", " : "") << "{\"param\": \"" << p.param << "\", \"max_angle_deg\": " << json_number(p.max_angle_deg)
         << ", \"recon_error\": " << json_number(p.recon_error) << ", \"optimal_error\": " << json_number(p.optimal_error) << "}";
    }
    os << "]";
  }
  if (r.profile) os << ", \"profile\": " << profile_json(*r.profile);
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

void print_header(std::ostream &out, const std::string &path, const Dataset &data, const TrainConfig &c,
                  const runtime::TrainingProgress *resumed, const std::string &save_path) {
  out << (resumed ? "resuming " : "training ") << path << " on " << data.description << ": " << c.epochs
      << (c.epochs == 1 ? " epoch" : " epochs") << ", batch " << c.batch << ", " << c.optimizer << " lr " << c.lr;
  if (c.schedule.kind != Schedule::Constant) out << " (" << to_string(c.schedule) << ")";
  if (c.clip > 0) out << ", clip " << c.clip;
  if (c.val > 0) out << ", " << c.val * 100 << "% held out" << (c.patience ? ", patience " + std::to_string(c.patience) : "");
  out << (c.center ? ", centered" : "") << ", " << c.threads << " thread" << (c.threads == 1 ? "" : "s");
  if (c.precision == "bf16") out << ", bfloat16 products: " << runtime::bfloat16_path_text();
  out << std::endl;
  if (resumed)
    out << "continuing after epoch " << resumed->epoch << ", step " << resumed->step << " (" << resumed->position
        << " samples into the epoch)" << std::endl;
  if (!save_path.empty()) out << "checkpoints go to " << save_path << std::endl;
}

int report_result(std::ostream &out, std::ostream &err, const LoadedProgram &prog, const TrainResult &r, const TrainConfig &c,
                  const std::string &save_path, double pca_tol, bool strict, bool json, int stop_signal) {
  char line[320];
  if (r.stop == runtime::StopReason::Interrupted) {
    out << "interrupted in epoch " << r.progress.epoch + 1 << " after step " << r.progress.step;
    if (save_path.empty()) out << "; nothing saved (train with --save CKPT to be able to resume)\n";
    else out << "; saved " << save_path << ": continue with --resume " << save_path << "\n";
  } else if (r.stop == runtime::StopReason::EarlyStopped) {
    std::snprintf(line, sizeof line,
                  "stopped early after epoch %lld: no better validation loss for %lld epochs; keeping the params of epoch %lld (val %.6g)",
                  static_cast<long long>(r.epochs), static_cast<long long>(c.patience), static_cast<long long>(r.best_epoch),
                  r.progress.best_val);
    out << line << "\n";
  }
  if (!save_path.empty() && r.stop != runtime::StopReason::Interrupted) out << "saved " << save_path << "\n";
  if (r.stop == runtime::StopReason::Interrupted && r.progress.position > 0)
    std::snprintf(line, sizeof line,
                  "loss so far %.6g (epoch %lld, %lld samples in; first batch %.6g), %.0f samples/s, %.2f s training, %.0f ms compile",
                  r.progress.epoch_loss_sum / double(r.progress.position), static_cast<long long>(r.progress.epoch + 1),
                  static_cast<long long>(r.progress.position), r.initial_loss, r.samples_per_second, r.seconds, r.compile_ms);
  else
    std::snprintf(line, sizeof line, "final loss %.6g (first batch %.6g), %.0f samples/s, %.2f s training, %.0f ms compile", r.final_loss,
                  r.initial_loss, r.samples_per_second, r.seconds, r.compile_ms);
  out << line;
  if (r.checkpoint_seconds > 0)
    out << std::fixed << std::setprecision(2) << ", " << r.checkpoint_seconds << " s writing checkpoints" << std::defaultfloat;
  if (runtime::World::get().data_parallel())
    out << std::fixed << std::setprecision(2) << "\nof the training time on the first process: " << r.chunk_seconds
        << " s running its chunks, " << r.communication_seconds << " s in MPI (moving data and waiting for the others)"
        << std::defaultfloat;
  out << "\n";
  if (r.profile) print_profile(out, *r.profile, c.threads);
  std::string failures;
  for (const auto &p : r.pca) {
    std::snprintf(
        line, sizeof line,
        "check pca(%s): largest principal angle %.4f deg (tolerance %.3g); reconstruction error %.6g vs Eckart-Young optimum %.6g",
        p.param.c_str(), p.max_angle_deg, pca_tol, p.recon_error, p.optimal_error);
    out << line;
    if (p.optimal_error > 0) {
      std::snprintf(line, sizeof line, " (ratio %.4f)", p.recon_error / p.optimal_error);
      out << line;
    }
    out << "\n";
    if (p.max_angle_deg > pca_tol) {
      std::snprintf(line, sizeof line, "check pca(%s) failed: the largest principal angle is %.4g deg, above the tolerance of %.3g deg",
                    p.param.c_str(), p.max_angle_deg, pca_tol);
      failures += render(prog.source(), Diagnostic{check_span(prog.model(), p.param), line, {}});
    }
  }
  if (json) out << json_result(r) << "\n";
  out.flush();
  if (r.stop == runtime::StopReason::Interrupted) return 128 + stop_signal;
  if (!failures.empty() && strict) {
    err << failures;
    return 2;
  }
  return 0;
}

} // namespace aec::cli
