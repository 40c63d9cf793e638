#include "runtime/memory_plan.h"
#include "runtime/executor.h"
#include "runtime/mapped_samples.h"
#include "source/diagnostics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace aec::runtime {

int64_t available_memory() {
  std::ifstream meminfo("/proc/meminfo");
  std::string key, unit;
  int64_t kb = 0;
  while (meminfo >> key >> kb >> unit)
    if (key == "MemAvailable:") return kb * 1024;
  return int64_t(sysconf(_SC_PHYS_PAGES)) * int64_t(sysconf(_SC_PAGESIZE));
}

std::string memory_text(double bytes) {
  const char *units[] = {"bytes", "KB", "MB", "GB", "TB", "PB", "EB"};
  int u = 0;
  while (bytes >= 1024 && u < 6) bytes /= 1024, ++u;
  char text[32];
  std::snprintf(text, sizeof text, u == 0 ? "%.0f %s" : bytes < 10 ? "%.1f %s" : "%.0f %s", bytes, units[u]);
  return text;
}

int64_t parse_memory_size(const std::string &text, const std::string &flag) {
  size_t used = 0;
  double v = -1;
  try {
    v = std::stod(text, &used);
  } catch (...) {
    used = 0;
  }
  double scale = 1;
  if (used + 1 == text.size()) {
    switch (text[used]) {
    case 'K':
    case 'k': scale = 1024.0; break;
    case 'M':
    case 'm': scale = 1024.0 * 1024; break;
    case 'G':
    case 'g': scale = 1024.0 * 1024 * 1024; break;
    case 'T':
    case 't': scale = 1024.0 * 1024 * 1024 * 1024; break;
    default: scale = 0;
    }
    ++used;
  }
  double bytes = v * scale;
  if (used == 0 || used != text.size() || scale == 0 || !(bytes >= 1) || bytes > 9e18)
    throw InputError(flag + " " + text + ": expected a size in bytes, or with K, M, G or T (e.g. 8G)");
  return int64_t(bytes);
}

void MemoryPlan::add_param(const ParamInfo &p, int64_t samples, int copies, const std::string &copies_are) {
  const double floats = double(p.shape.numel()) * double(p.per_sample ? samples : 1);
  std::string what =
      "param " + p.name + " " + m_.graph.shape_text(p.shape) + (p.per_sample ? " for each of " + std::to_string(samples) + " samples" : "");
  if (copies > 0) what += " with " + copies_are;
  parts_.push_back({what, floats * 4 * (1 + copies), p.span, ""});
}

void MemoryPlan::add_kernel(const codegen::Kernel &k, int64_t max_batch, const std::string &what) {
  double floats = 0;
  ir::NodeId largest = -1;
  int64_t largest_floats = -1;
  for (const Executor::Allocation &a : Executor::allocations(k, max_batch)) {
    floats += double(a.floats);
    if (a.floats > largest_floats && a.node >= 0 && k.graph().node(a.node).span.valid()) largest = a.node, largest_floats = a.floats;
  }
  Span span = largest >= 0 ? k.graph().node(largest).span : Span{};
  parts_.push_back({what + " at batch " + std::to_string(max_batch), floats * 4, span, "its largest buffer holds the value marked here"});
}

void MemoryPlan::add_data(const Dataset &d, int64_t limit) {
  for (const SourceColumns &s : d.sources) add_data(*s.data, limit); // several inputs' sources, each where it is
  if (!d.sources.empty()) return;
  if (!d.in_memory())
    d.mapped->set_resident_window(limit > 0 ? std::min(limit - int64_t(bytes()), limit / 4) : available_memory() / 2 - int64_t(bytes()));
  const std::string samples = std::to_string(d.n) + " samples of width " + std::to_string(d.width);
  if (d.in_memory())
    parts_.push_back(
        {"the data (" + samples + (d.borrowed ? ", in the application's memory)" : ", in memory)"), double(d.n * d.width) * 4, {}, ""});
  else
    parts_.push_back({"the data file's resident pages (memory-mapped: at most this much of its " +
                          memory_text(double(d.mapped->file_bytes())) + " at once)",
                      double(d.mapped->resident_window()),
                      {},
                      ""});
}

void MemoryPlan::add_output(const std::string &name, const ir::Shape &shape, int64_t samples) {
  parts_.push_back({"output " + name + " " + m_.graph.shape_text(shape) + " for " + std::to_string(samples) + " samples",
                    double(shape.numel()) * double(samples) * 4,
                    {},
                    ""});
}

double MemoryPlan::bytes() const {
  double total = 0;
  for (const Part &p : parts_) total += p.bytes;
  return total;
}

void MemoryPlan::check(int64_t limit) const {
  const bool machine = limit <= 0;
  if (machine) limit = available_memory();
  const double total = bytes();
  if (total <= double(limit)) return;
  std::vector<Part> parts = parts_;
  std::stable_sort(parts.begin(), parts.end(), [](const Part &a, const Part &b) { return a.bytes > b.bytes; });
  std::ostringstream msg, note;
  msg << doing_ << " needs " << memory_text(total) << ", more than the " << memory_text(double(limit))
      << (machine ? " this machine has available" : " that --max-memory allows") << "; the largest part is " << parts[0].what << ": "
      << memory_text(parts[0].bytes) << (parts[0].at_span.empty() || !parts[0].span.valid() ? "" : " (" + parts[0].at_span + ")");
  note << "in all:";
  for (size_t i = 0; i < parts.size() && i < 4; ++i) note << (i ? "; " : " ") << parts[i].what << ": " << memory_text(parts[i].bytes);
  if (parts.size() > 4) note << "; " << parts.size() - 4 << " more";
  note << ". " << smaller_ << " or smaller dims would need less" << (machine ? "" : "; --max-memory sets the bound");
  CompileError e({Diagnostic{parts[0].span, msg.str(), note.str()}});
  e.attach_source(m_.source);
  throw e;
}

} // namespace aec::runtime
