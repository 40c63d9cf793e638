#include "runtime/input_binding.h"
#include "ir/algorithms.h"
#include "source/diagnostics.h"
#include "support/number_text.h"

#include <algorithm>
#include <cctype>
#include <cmath>

namespace aec::runtime {

std::optional<InputColumns> Dataset::columns(const std::string &input, bool first) const {
  if (inputs.empty()) return first ? std::optional<InputColumns>(InputColumns{input, 0, width}) : std::nullopt;
  for (const InputColumns &c : inputs)
    if (c.name == input) return c;
  return std::nullopt;
}

DataBinding parse_binding(const std::string &value) {
  auto eq = value.find('=');
  bool named = eq != std::string::npos && eq > 0 && std::isalpha(static_cast<unsigned char>(value[0]));
  for (size_t i = 0; named && i < eq; ++i)
    named = std::isalnum(static_cast<unsigned char>(value[i])) || value[i] == '_' || (value[i] == '~' && i + 1 == eq);
  if (!named) return {"", value};
  return {value.substr(0, eq), value.substr(eq + 1)};
}

LoadedSources load_sources(const std::vector<DataBinding> &bindings) {
  LoadedSources s;
  for (const DataBinding &b : bindings) {
    for (const DataBinding &earlier : s.bindings)
      if (earlier.input == b.input)
        throw InputError(b.flag() + ": " +
                         (b.input.empty() ? "a second source for the program's input" : "input " + b.input + " is bound twice") + " (" +
                         earlier.flag() + " came first)");
    s.bindings.push_back(b);
    s.data.push_back(load_dataset(b.spec));
    if (b.input.empty()) s.only_width = s.data.back().width;
    else s.input_widths[b.input] = s.data.back().width;
  }
  return s;
}

namespace {

std::string names_of(const Model &m) {
  std::string out;
  for (const InputInfo &i : m.inputs) out += (out.empty() ? "" : ", ") + i.name;
  return out;
}

// Throws InputError naming the sample unless every sample holds a class id of `in`: an integer
// in [0, c) for an input [c].
void check_class_ids(const Dataset &ids, const DataBinding &b, const InputInfo &in) {
  for (int64_t i = 0; i < ids.n; ++i) {
    const double v = class_id(ids, i);
    if (v != std::floor(v) || v < 0 || v >= double(in.width))
      throw InputError(b.flag() + ": sample " + std::to_string(i) + " holds " + shortest_text(v) + ", not a class id of input " + in.name +
                       " : [" + std::to_string(in.width) + "] (an integer in [0, " + std::to_string(in.width) + "))");
  }
}

} // namespace

Dataset bind_inputs(const Model &m, LoadedSources sources, const std::vector<std::string> &required) {
  // Which source each input gets.
  std::vector<std::pair<const InputInfo *, size_t>> bound;
  for (size_t k = 0; k < sources.bindings.size(); ++k) {
    const DataBinding &b = sources.bindings[k];
    if (b.input.empty()) {
      if (m.inputs.size() > 1)
        throw InputError(b.flag() + " names no input, but the program has several (" + names_of(m) +
                         "): bind each with --data NAME=SOURCE");
      bound.push_back({&m.inputs[0], k});
      continue;
    }
    const InputInfo *in = m.input(b.input);
    if (!in) throw InputError(b.flag() + ": the program has no input " + b.input + " (it has: " + names_of(m) + ")");
    bound.push_back({in, k});
  }
  for (const std::string &name : required)
    if (std::none_of(bound.begin(), bound.end(), [&](auto &p) { return p.first->name == name; }))
      throw InputError("input " + name + " has no data: bind it with --data " + name + "=SOURCE");
  std::sort(bound.begin(), bound.end(), [](auto &a, auto &b) { return a.first < b.first; }); // declaration order

  if (bound.empty()) throw InputError("no data: bind the inputs with --data NAME=SOURCE (" + names_of(m) + ")");
  // One value per sample for an input declared wider: class ids, read as one-hot vectors.
  auto class_ids = [](const InputInfo &in, const Dataset &d) { return d.width == 1 && in.width > 1; };
  for (auto &[in, k] : bound)
    if (sources.data[k].width != in->width && !class_ids(*in, sources.data[k]))
      throw InputError(sources.bindings[k].flag() + ": samples of width " + std::to_string(sources.data[k].width) + ", but input " +
                       in->name + " is [" + std::to_string(in->width) + "]");
  if (m.inputs.size() == 1 && !class_ids(*bound[0].first, sources.data[bound[0].second]))
    return std::move(sources.data[bound[0].second]); // as loaded
  Dataset out;
  out.n = sources.data[bound[0].second].n;
  for (auto &[in, k] : bound) {
    const Dataset &d = sources.data[k];
    if (d.n != out.n)
      throw InputError(sources.bindings[k].flag() + ": " + std::to_string(d.n) + " samples, but " +
                       sources.bindings[bound[0].second].flag() + " has " + std::to_string(out.n) +
                       ": the sources of one program's inputs hold the same samples");
    out.inputs.push_back({in->name, out.width, in->width});
    out.width += in->width;
    out.description +=
        (out.description.empty() ? "" : ", ") + in->name + " = " + d.description + (class_ids(*in, d) ? " as one-hot class ids" : "");
  }
  // Side by side, each source read where it is (in memory, mapped or the application's).
  for (auto &[in, k] : bound) {
    const bool ids = class_ids(*in, sources.data[k]);
    if (ids) check_class_ids(sources.data[k], sources.bindings[k], *in);
    out.sources.push_back({std::make_shared<const Dataset>(std::move(sources.data[k])), ids ? int64_t(in->width) : 0});
  }
  return out;
}

std::vector<std::string> inputs_read(const Model &m, const std::vector<std::string> &outputs) {
  std::vector<ir::NodeId> roots;
  for (const std::string &o : outputs)
    if (ir::NodeId n = m.graph.output(o); n >= 0) roots.push_back(n);
  std::vector<std::string> names;
  for (ir::NodeId n : ir::live_in_topological_order(m.graph, roots))
    if (m.graph.node(n).op == ir::Op::Input) names.push_back(m.graph.node(n).attr.name);
  return names;
}

} // namespace aec::runtime
