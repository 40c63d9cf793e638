// aec opt GRAPH.txt [--passes=a,b,...] [--batch N]: reads a graph as text (ir/text.h), runs the
// named passes in order with the verifier after each, and prints the result, in the spirit of
// mlir-opt. Pass golden tests (tests/passes/) are written with it.
#include "commands.h"
#include "driver/driver.h"
#include "ir/text.h"
#include "passes/passes.h"
#include "source/diagnostics.h"

#include <sstream>

namespace aec::cli {
namespace {

std::vector<std::string> all_pass_names() {
  std::vector<std::string> names;
  for (const std::vector<passes::Pass> *list : {&passes::algebraic_passes(), &passes::pipeline()})
    for (const passes::Pass &p : *list) names.push_back(p.name);
  return names;
}

std::vector<const passes::Pass *> requested_passes(const std::string &list) {
  std::vector<const passes::Pass *> out;
  std::istringstream in(list);
  std::string name;
  while (std::getline(in, name, ',')) {
    if (const passes::Pass *p = passes::find_pass(name)) {
      out.push_back(p);
      continue;
    }
    std::vector<std::string> names = all_pass_names();
    std::string known, closest = closest_word(name, std::set<std::string>(names.begin(), names.end()));
    for (const std::string &n : names) known += (known.empty() ? "" : ", ") + n;
    throw InputError("--passes: no pass named '" + name + "'" + (closest.empty() ? "" : "; did you mean " + closest + "?") +
                     " (the passes: " + known + ")");
  }
  return out;
}

} // namespace

int cmd_opt(const std::vector<std::string> &argv) {
  Args a(argv, {"passes", "batch"}, {});
  if (a.positional().size() != 1) throw InputError("aec opt takes one graph file (the text aec compile --emit=graph|grad|opt prints)");
  std::vector<const passes::Pass *> run = requested_passes(a.get("passes").value_or(""));
  passes::PassOptions options;
  if (auto batch = a.get_int("batch", 1)) options.batch = *batch;
  ir::Graph g = ir::parse_text(driver::read_source(a.positional()[0]));
  for (const passes::Pass *p : run) {
    g = p->run(g, options);
    passes::verify(g);
  }
  std::cout << ir::to_text(g);
  return 0;
}

} // namespace aec::cli
