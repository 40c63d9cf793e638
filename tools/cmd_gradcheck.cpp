// aec gradcheck FILE.ae [--data D] [--samples N] [--entries N] [--tol X]: symbolic gradients
// against finite differences in double precision (runtime/gradcheck.h). Exit 2 above --tol.
#include "commands.h"

#include <algorithm>
#include <cstdio>

namespace aec::cli {

int cmd_gradcheck(const std::vector<std::string> &argv) {
  Args a(argv, {"data", "samples", "entries", "tol"}, {});
  SourcePtr program = read_program(a, "gradcheck");
  int64_t samples = a.get_int("samples", 1).value_or(4), entries = a.get_int("entries", 1).value_or(20);
  double tol = a.get_double("tol", 0.0).value_or(1e-6);
  runtime::LoadedSources sources = load_sources_for(a, std::cout);
  LoadedProgram prog = load_program(program, sources, a);
  Dataset data = bind_data_for(prog, std::move(sources), a);
  double worst = 0;
  for (const auto &e : gradcheck(prog, data, samples, entries)) {
    worst = std::max(worst, e.relative_error);
    if (e.unused)
      std::printf("%-12s unused by the objective: its gradient is %s\n", e.param.c_str(),
                  e.relative_error == 0 ? "exactly zero" : "NOT zero");
    else std::printf("%-12s %8zu entries checked  relative error %.3g\n", e.param.c_str(), e.entries_checked, e.relative_error);
  }
  std::printf("worst relative error %.3g (tolerance %.3g): %s\n", worst, tol, worst <= tol ? "ok" : "FAILED");
  return worst <= tol ? 0 : 2;
}

} // namespace aec::cli
