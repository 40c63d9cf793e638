// aec run FILE.ae --load CKPT [--data D] --output NAME [--out FILE] [--fit-steps N] [--fit-lr X]
//   [--noise] [--seed N] [--set name=value]...: a named output on every sample, written as .npy
//   or .csv by the extension of --out, or as CSV on standard output.
#include "commands.h"

namespace aec::cli {

int cmd_run(const std::vector<std::string> &argv) {
  Args a(argv, {"load", "data", "limit", "output", "out", "fit-steps", "fit-lr", "seed"}, {"noise"});
  std::string path = program_path(a, "run");
  auto load = a.get("load");
  if (!load) throw InputError("aec run needs --load CKPT, the checkpoint that aec train --save wrote");
  auto output = a.get("output");
  if (!output) throw InputError("aec run needs --output NAME, one of the program's `output` statements");
  RunConfig c;
  c.fit_steps = a.get_int("fit-steps", 0).value_or(c.fit_steps);
  c.fit_lr = a.get_double("fit-lr", 0.0).value_or(0.0);
  c.seed = static_cast<uint64_t>(a.get_int("seed", 0).value_or(0));
  c.noise = a.has("noise");
  auto out = a.get("out");
  // Progress goes to stderr when the values go to stdout.
  std::ostream &log = out ? std::cout : std::cerr;
  Dataset data = load_data_for(a, log);
  Program prog = load_program(path, data.width, a);
  OutputValues v = run(prog, data, *load, *output, c, log);
  if (out) {
    write_output(*out, v);
    std::cout << "wrote " << *out << ": " << v.n << " samples of " << prog.model().graph.shape_text(v.shape) << "\n";
  } else {
    runtime::write_csv(std::cout, v);
  }
  return 0;
}

} // namespace aec::cli
