#include "runtime/profile_table.h"
#include "runtime/source_text.h"

#include <algorithm>

namespace aec::runtime {

namespace {

using codegen::StepKind;

const char *kind_text(StepKind kind) {
  switch (kind) {
  case StepKind::Pointwise: return "elementwise loop";
  case StepKind::SampleSum: return "sum over each sample";
  case StepKind::BatchReduce: return "sum over the batch";
  case StepKind::AxisSum: return "row or column sums";
  case StepKind::Gemm: return "product";
  case StepKind::GemmSum: return "two products summed";
  case StepKind::Inverse: return "inverses";
  case StepKind::Transpose: return "transpose";
  case StepKind::Conv: return "convolution";
  }
  return "step";
}

// `text` on one line and at most `width` characters.
std::string abbreviated(std::string text, size_t width) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  if (text.size() > width) text = text.substr(0, width - 3) + "...";
  return text;
}

// The step's kind, its node's op and the source it came from.
std::string describe(const Model &m, const codegen::Kernel &k, const codegen::Step &st) {
  const ir::Node &n = k.graph().node(st.node);
  std::string what = std::string(kind_text(st.kind)) + " (" + ir::info(n.op).spelling + ")";
  if (n.span.valid())
    what += " at " + std::to_string(n.span.line) + ":" + std::to_string(n.span.col) + " `" + abbreviated(source_text(m, n.span, n.op), 40) +
            "`";
  return what;
}

std::string shape_text(const GemmShape &s) {
  return std::to_string(s.m) + "x" + std::to_string(s.n) + "x" + std::to_string(s.k) + " " + (s.ta ? "T" : "N") + (s.tb ? "T" : "N");
}

} // namespace

std::vector<ProfileRow> kernel_rows(const Model &m, const KernelTimes &times, const std::vector<ProfiledKernel> &kernels, int64_t steps) {
  std::vector<ProfileRow> rows;
  for (const ProfiledKernel &pk : kernels) {
    auto found = times.find(pk.kernel);
    if (found == times.end()) continue;
    const std::vector<codegen::Step> &schedule = pk.kernel->schedule().steps;
    for (size_t i = 0; i < found->second.size() && i < schedule.size(); ++i) {
      const StepTime &t = found->second[i];
      if (t.runs == 0) continue;
      ProfileRow r;
      r.what = (pk.role.empty() ? "" : pk.role + ": ") + describe(m, *pk.kernel, schedule[i]);
      r.seconds = t.seconds / double(steps);
      if (t.products > 0) {
        r.kind = schedule[i].kind == codegen::StepKind::Conv ? "convolution" : "product";
        r.shape = shape_text(t.shape) + (t.products > t.runs ? " x" + std::to_string(t.products / t.runs) : "");
        r.library = gemm_library_names(t.libraries);
        r.gflops = t.seconds > 0 ? t.flops / t.seconds * 1e-9 : 0;
      } else {
        r.kind = "loop";
      }
      rows.push_back(std::move(r));
    }
  }
  return rows;
}

StepProfile make_profile(std::vector<ProfileRow> rows, int64_t steps, double seconds) {
  StepProfile p;
  p.steps = steps;
  p.step_seconds = steps > 0 ? seconds / double(steps) : 0;
  double covered = 0;
  for (ProfileRow &r : rows) {
    r.share = p.step_seconds > 0 ? r.seconds / p.step_seconds : 0;
    covered += r.seconds;
  }
  std::stable_sort(rows.begin(), rows.end(), [](const ProfileRow &a, const ProfileRow &b) { return a.seconds > b.seconds; });
  p.rows = std::move(rows);
  p.unaccounted_seconds = p.step_seconds - covered;
  return p;
}

} // namespace aec::runtime
