// aec check FILE.ae [--data D] [--set k=v]: parse and type-check. Without --data the input's
// width stays symbolic, so every shape that does not depend on it is still checked.
#include "commands.h"

namespace aec::cli {

int cmd_check(const std::vector<std::string> &argv) {
  Args a(argv, {"data"}, {});
  SourcePtr program = read_program(a, "check");
  std::optional<int64_t> width;
  if (auto d = a.get("data")) width = load_data(*d).width;
  LoadedProgram prog = load_program(program, width, a);
  warn_about_unused_params(prog, std::cerr);
  const Model &m = prog.model();
  std::cout << program->name << ": ok (" << m.params.size() << " params, " << m.outputs.size() << " outputs)\n";
  return 0;
}

} // namespace aec::cli
