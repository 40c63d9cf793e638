#include "profile_report.h"
#include "json_text.h"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace aec::cli {

namespace {

constexpr double kListedShare = 0.005;
constexpr size_t kMostRows = 30;
constexpr int kDigits = 6; // of timings and shares: more than the clocks resolve

void print_row(std::ostream &out, double share, double seconds, double gflops, const std::string &what) {
  char line[96];
  std::snprintf(line, sizeof line, "  %6.1f%%  %8.3f  ", 100 * share, seconds * 1e3);
  out << line;
  if (gflops > 0) std::snprintf(line, sizeof line, "%7.1f  ", gflops);
  else std::snprintf(line, sizeof line, "%7s  ", "");
  out << line << what << "\n";
}

} // namespace

void print_profile(std::ostream &out, const runtime::StepProfile &p, int threads) {
  if (p.steps == 0) {
    out << "--profile: nothing to profile: the run's first step is left out (it creates the products' kernels), and it took no other\n";
    return;
  }
  char head[160];
  std::snprintf(head, sizeof head, "profile of %lld steps (the run's first left out), %.3f ms a step on %d thread%s:\n",
                static_cast<long long>(p.steps), p.step_seconds * 1e3, threads, threads == 1 ? "" : "s");
  out << head << "   share   ms/step  GFLOP/s  what\n";
  size_t shown = 0;
  double rest_seconds = 0;
  size_t rest = 0;
  for (const runtime::ProfileRow &r : p.rows) {
    if (shown < kMostRows && r.share >= kListedShare) {
      std::string what = r.what;
      if (r.kind == "product") what += ", " + r.shape + " on " + r.library;
      if (r.kind == "convolution") what += ", as a GEMM " + r.shape + ", on " + r.library;
      print_row(out, r.share, r.seconds, r.gflops, what);
      ++shown;
    } else {
      rest_seconds += r.seconds;
      ++rest;
    }
  }
  if (rest > 0)
    print_row(out, p.step_seconds > 0 ? rest_seconds / p.step_seconds : 0, rest_seconds, 0,
              std::to_string(rest) + " more row" + (rest == 1 ? "" : "s") + ", each under " + json_number(100 * kListedShare, kDigits) +
                  "%");
  print_row(out, p.unaccounted_share(), p.unaccounted_seconds, 0, "in no row (timers, calls between the steps)");
}

std::string profile_json(const runtime::StepProfile &p) {
  std::ostringstream os;
  os << "{\"steps\": " << p.steps << ", \"step_seconds\": " << json_number(p.step_seconds, kDigits)
     << ", \"unaccounted_share\": " << json_number(p.unaccounted_share(), kDigits) << ", \"rows\": [";
  for (size_t i = 0; i < p.rows.size(); ++i) {
    const runtime::ProfileRow &r = p.rows[i];
    os << (i ? ", " : "") << "{\"kind\": " << json_string(r.kind) << ", \"what\": " << json_string(r.what)
       << ", \"seconds\": " << json_number(r.seconds, kDigits) << ", \"share\": " << json_number(r.share, kDigits);
    if (r.kind == "product" || r.kind == "convolution")
      os << ", \"shape\": " << json_string(r.shape) << ", \"library\": " << json_string(r.library)
         << ", \"gflops\": " << json_number(r.gflops, kDigits);
    os << "}";
  }
  os << "]}";
  return os.str();
}

} // namespace aec::cli
