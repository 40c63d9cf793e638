// Progress on a terminal: a bar redrawn in place at most ten times a second, then one line per
// epoch; when the output is not a terminal (a log file, a pipe), only the epoch lines.
#include "runtime/trainer.h"

#include <cmath>
#include <cstdio>

namespace aec::runtime {

void LineReporter::on_step(const StepReport &s) {
  if (!live_ || (s.seconds - last_draw_ < 0.1 && s.done < s.epoch_size)) return;
  last_draw_ = s.seconds;
  const int width = 30;
  int filled = int(double(width) * double(s.done) / double(s.epoch_size));
  std::string bar(size_t(filled), '#');
  bar.append(size_t(width - filled), '.');
  char line[200];
  std::snprintf(line, sizeof line, "\r\033[Kepoch %lld/%lld [%s] %3.0f%%  loss %.6g  %.0f samples/s", static_cast<long long>(s.epoch),
                static_cast<long long>(s.epochs), bar.c_str(), 100.0 * double(s.done) / double(s.epoch_size), s.loss,
                s.seconds > 0 ? double(s.done) / s.seconds : 0.0);
  out_ << line << std::flush;
  bar_shown_ = true;
}

void LineReporter::on_epoch(const EpochReport &e) {
  if (bar_shown_) out_ << "\r\033[K";
  bar_shown_ = false;
  last_draw_ = -1;
  char line[200];
  std::snprintf(line, sizeof line, "epoch %3lld/%lld  loss %.6g", static_cast<long long>(e.epoch), static_cast<long long>(e.epochs),
                e.loss);
  std::string text = line;
  if (!std::isnan(e.val_loss)) {
    std::snprintf(line, sizeof line, "  val %.6g%s", e.val_loss, e.best ? " *" : "  ");
    text += line;
  }
  std::snprintf(line, sizeof line, "  %.0f samples/s  %.2f s", e.samples_per_second, e.seconds);
  out_ << text << line << std::endl;
}

} // namespace aec::runtime
