// aec check FILE.ae [--data D] [--set k=v]: parse and type-check. Without --data the input's
// width stays symbolic, so every shape that does not depend on it is still checked.
#include "commands.h"

namespace aec::cli {

int cmd_check(const std::vector<std::string> &argv) {
  Args a(argv, {"data"}, {});
  SourcePtr program = read_program(a, "check");
  runtime::LoadedSources sources; // without --data, sizes taken from the data stay symbolic
  if (a.has("data")) sources = load_sources_for(a, std::cerr);
  LoadedProgram prog = load_program(program, sources, a);
  warn_about_unused_params(prog, std::cerr);
  const Model &m = prog.model();
  std::cout << program->name << ": ok (" << m.params.size() << " params, " << m.outputs.size() << " outputs)\n";
  return 0;
}

} // namespace aec::cli
