// aec compile FILE.ae --emit=ast|graph|grad|opt|llvm|asm|dot [--data D] [--print-after=PASS]
#include "codegen/kernel.h"
#include "commands.h"
#include "driver/driver.h"
#include "ir/algorithms.h"
#include "passes/passes.h"
#include "support/diagnostics.h"

namespace aec::cli {

int cmd_compile(const std::vector<std::string> &argv) {
  Args a(argv, {"emit", "data", "print-after"}, {});
  SourcePtr program = read_program(a, "compile");
  static const std::set<std::string> stages = {"ast", "graph", "grad", "opt", "llvm", "asm", "dot"};
  if (!a.has("emit")) throw InputError("aec compile needs --emit=STAGE, the stage to print: ast, graph, grad, opt, llvm, asm or dot");
  std::string emit = *a.get("emit");
  if (!stages.count(emit)) throw InputError("--emit=" + emit + ": expected one of ast, graph, grad, opt, llvm, asm, dot");
  if (emit == "ast") {
    std::cout << ast::dump(driver::parse(program));
    return 0;
  }
  int64_t width = load_data(data_spec(a, std::cerr)).width;
  LoadedProgram prog = load_program(program, width, a);
  const Model &m = prog.model();
  if (emit == "graph") {
    std::cout << ir::to_text(m.graph);
    return 0;
  }
  ir::Graph grad = driver::training_graph(m);
  if (emit == "grad") {
    std::cout << ir::to_text(grad);
    return 0;
  }
  std::string print_after = a.get("print-after").value_or("");
  if (!print_after.empty()) {
    bool known = false;
    for (const passes::Pass &p : passes::pipeline()) known |= print_after == p.name;
    if (!known) throw InputError("--print-after=" + print_after + ": no such pass");
  }
  ir::Graph opt = passes::optimize(grad, print_after, &std::cout);
  if (emit == "opt") {
    std::cout << ir::to_text(opt);
    const codegen::Schedule s = codegen::make_schedule(opt);
    const int64_t batch = prog.train_defaults().batch;
    auto mb = [](int64_t floats) { return std::to_string((floats * 4 + (1 << 19)) >> 20) + " MB"; };
    std::cout << "; " << s.steps.size() << " kernels; workspace at batch " << batch << ": " << mb(s.workspace_floats(batch)) << " in "
              << s.blocks.size() << " blocks (one buffer per value would take " << mb(s.unplanned_floats(batch)) << ")\n";
  }
  else if (emit == "dot") std::cout << ir::to_dot(opt);
  else {
    auto k = codegen::Kernel::compile(opt, "train_step", emit == "asm" ? codegen::Kernel::Text::Assembly : codegen::Kernel::Text::LlvmIr);
    std::cout << (emit == "llvm" ? k->llvm_ir() : k->assembly());
  }
  return 0;
}

} // namespace aec::cli
