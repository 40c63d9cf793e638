// aec compile FILE.ae --emit=ast|graph|grad|opt|llvm|asm|dot [--data D] [--print-after=STAGE] [--threads N]
#include "commands.h"
#include "driver/driver.h"
#include "ir/algorithms.h"
#include "runtime/executor.h"
#include "runtime/work_sharing.h"
#include "source/diagnostics.h"

#include <algorithm>

namespace aec::cli {

int cmd_compile(const std::vector<std::string> &argv) {
  Args a(argv, {"emit", "data", "print-after", "threads"}, {});
  SourcePtr program = read_program(a, "compile");
  static const std::set<std::string> stages = {"ast", "graph", "grad", "opt", "llvm", "asm", "dot"};
  if (!a.has("emit")) throw InputError("aec compile needs --emit=STAGE, the stage to print: ast, graph, grad, opt, llvm, asm or dot");
  std::string emit = *a.get("emit");
  if (!stages.count(emit)) throw InputError("--emit=" + emit + ": expected one of ast, graph, grad, opt, llvm, asm, dot");
  if (emit == "ast") {
    std::cout << ast::dump(driver::parse(program));
    return 0;
  }
  LoadedProgram prog = load_program(program, load_sources_for(a, std::cerr), a);
  const Model &m = prog.model();
  if (emit == "graph") {
    std::cout << ir::to_text(m.graph);
    return 0;
  }
  if (emit == "grad") {
    std::cout << ir::to_text(driver::training_graph(m));
    return 0;
  }
  // The kernels `aec train` would run: compiled for the same team.
  const TrainConfig c = apply_flags(prog.train_defaults(), a); // --threads, as aec train reads it
  driver::Options options = runtime::kernel_options(c.batch, runtime::team_for(c.threads));
  options.codegen.text = emit == "asm" ? codegen::Kernel::Text::Assembly : codegen::Kernel::Text::LlvmIr;
  options.print_after = a.get("print-after").value_or("");
  options.trace = &std::cout;
  if (!options.print_after.empty()) {
    std::vector<std::string> stages = driver::stage_names();
    if (std::find(stages.begin(), stages.end(), options.print_after) == stages.end()) {
      std::string list;
      for (const std::string &st : stages) list += (list.empty() ? "" : ", ") + st;
      throw InputError("--print-after=" + options.print_after + ": no such stage (" + list + ")");
    }
  }
  const driver::Request step = driver::Request::training_step();
  if (emit == "opt" || emit == "dot") {
    ir::Graph opt = driver::optimized_graph(m, step, options);
    if (emit == "dot") {
      std::cout << ir::to_dot(opt);
      return 0;
    }
    std::cout << ir::to_text(opt);
    const codegen::Schedule s = codegen::make_schedule(opt);
    const int64_t batch = c.batch;
    auto mb = [](int64_t floats) { return std::to_string((floats * 4 + (1 << 19)) >> 20) + " MB"; };
    std::cout << "; " << s.steps.size() << " kernels; workspace at batch " << batch << ": " << mb(s.workspace_floats(batch)) << " in "
              << s.blocks.size() << " blocks (one buffer per value would take " << mb(s.unplanned_floats(batch)) << ")\n";
    return 0;
  }
  auto k = driver::compile(m, step, options);
  std::cout << (emit == "llvm" ? k->llvm_ir() : k->assembly());
  return 0;
}

} // namespace aec::cli
