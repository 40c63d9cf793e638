// aec: the command line. Dispatches to a subcommand; every diagnosed error exits 1 with a
// message, nothing escapes as a crash.
#include "args.h"
#include "commands.h"
#include "runtime/blas_core.h"
#include "runtime/conv_onednn.h"
#include "runtime/world.h"
#include "source/diagnostics.h"

#include <algorithm>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

namespace {

const char *kUsage = R"(usage: aec COMMAND [ARGS]
  aec check FILE.ae [--data D]                      parse and type-check
  aec compile FILE.ae --emit=STAGE [--data D] [--print-after=STAGE] [--threads N]
                                                    print ast, graph, grad, opt, llvm, asm or dot
  aec opt GRAPH.txt [--passes=P1,P2,...] [--batch N]
                                                    run passes on a graph's text; print the result
  aec train FILE.ae [--data [NAME=]D]... [--limit N] [--epochs N] [--batch N] [--lr X] [--optimizer sgd|momentum|adam]
                    [--schedule constant|step[:EVERY[:FACTOR]]|cosine] [--clip NORM] [--val FRACTION] [--patience N]
                    [--seed N] [--threads N] [--precision fp32|bf16] [--set name=value]... [--save CKPT] [--save-every STEPS]
                    [--resume CKPT] [--init CKPT] [--freeze NAMES] [--plot PNG] [--max-memory SIZE] [--strict] [--pca-tol DEG]
                    [--profile] [--json]
  aec run FILE.ae --load CKPT [--data [NAME=]D]... [--limit N] --output NAME [--out FILE.npy|FILE.csv] [--grid PNG] [--fit-steps N]
                    [--fit-lr X] [--noise] [--seed N] [--max-memory SIZE] [--set name=value]... [--json]
                                                    a named output on every sample (CSV to stdout without --out);
                                                    mean, min and max of every scalar output (--json: as JSON)
  aec gradcheck FILE.ae [--data D] [--samples N] [--entries N] [--tol X]
                                                    symbolic gradients vs finite differences
  aec pca --data D --k N [--center]                 singular values and the Eckart-Young error
  aec params CKPT [--out DIR]                       a checkpoint's params; each as DIR/NAME.npy
  aec help [COMMAND], aec COMMAND --help            this usage, or one command's
  aec --version                                     the version of aec and of the LLVM it compiles with
Data: fashion-mnist, fashion-mnist:test, synthetic:lowrank?n=..&d=..&rank=..&noise=..&seed=..&sample=..,
      or an IDX, NPY or CSV file (gzipped or not); train and run also take --limit N (the first N samples).
)";

bool is_help(const std::string &arg) { return arg == "--help" || arg == "-h"; }

using Command = int (*)(const std::vector<std::string> &);
const std::map<std::string, Command> kCommands = {{"check", aec::cli::cmd_check},         {"compile", aec::cli::cmd_compile},
                                                  {"train", aec::cli::cmd_train},         {"run", aec::cli::cmd_run},
                                                  {"gradcheck", aec::cli::cmd_gradcheck}, {"pca", aec::cli::cmd_pca},
                                                  {"params", aec::cli::cmd_params},       {"opt", aec::cli::cmd_opt}};

// "aec: error: unknown command 'trian'; did you mean train?" and the usage, on stderr.
int unknown_command(const std::string &cmd) {
  std::set<std::string> names = {"help"};
  for (const auto &[name, command] : kCommands) names.insert(name);
  std::string closest = aec::cli::closest_word(cmd, names);
  std::cerr << "aec: error: unknown command '" << cmd << "'" << (closest.empty() ? "" : "; did you mean " + closest + "?") << "\n"
            << kUsage;
  return 1;
}

// The usage of one command: its lines of kUsage and the data sources; empty for no command.
std::string command_usage(const std::string &cmd) {
  std::istringstream all(kUsage);
  std::string line, out;
  bool wanted = false; // the current entry (a line and its indented continuations) is printed
  while (std::getline(all, line)) {
    bool continues = line.rfind("   ", 0) == 0;
    if (!continues) wanted = line.rfind("  aec " + cmd + " ", 0) == 0 || (!out.empty() && line.rfind("Data:", 0) == 0);
    if (wanted) out += line + "\n";
  }
  return out.empty() ? "" : "usage:\n" + out;
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 2 || is_help(argv[1])) {
    std::cout << kUsage;
    return argc < 2 ? 1 : 0;
  }
  std::string cmd = argv[1];
  if (cmd == "--version" || cmd == "version") {
    std::string kernels = aec::runtime::ensure_blas_kernels();
    std::cout << "aec " << AEC_VERSION << " (LLVM " << AEC_LLVM_VERSION << (kernels.empty() ? "" : ", OpenBLAS kernels " + kernels)
              << ", oneDNN " << aec::runtime::onednn::version()
              << (aec::runtime::mpi_library().empty() ? "" : ", " + aec::runtime::mpi_library()) << ")\n";
    return 0;
  }
  std::vector<std::string> args(argv + 2, argv + argc);
  // `aec help [COMMAND]` and `aec COMMAND --help`: the usage, on standard output.
  if (cmd == "help" || std::any_of(args.begin(), args.end(), is_help)) {
    std::string topic = cmd == "help" ? (args.empty() ? "" : args[0]) : cmd;
    std::string usage = topic.empty() ? kUsage : command_usage(topic);
    if (usage.empty()) return unknown_command(topic);
    std::cout << usage;
    return 0;
  }
  try {
    // Only training is data-parallel; anything else on several processes would run N times over
    // (and write its outputs N times). Said once, by the first process.
    if (cmd != "train" && kCommands.count(cmd) && aec::runtime::World::get().distributed()) {
      if (aec::runtime::World::get().first())
        std::cerr << "aec: error: aec " << cmd << " under mpirun on " << aec::runtime::World::get().size()
                  << " processes: only aec train runs data-parallel; run aec " << cmd << " without mpirun\n";
      return 1;
    }
    auto command = kCommands.find(cmd);
    return command == kCommands.end() ? unknown_command(cmd) : command->second(args);
  } catch (const aec::LocatedError &e) {
    std::cout.flush();
    std::cerr << e.render();
    return 1;
  } catch (const aec::InputError &e) {
    std::cout.flush();
    std::cerr << "aec: error: " << e.what() << "\n";
    return 1;
  } catch (const std::bad_alloc &) {
    std::cout.flush();
    std::cerr << "aec: error: out of memory (the model or the data is larger than this machine can hold)\n";
    return 1;
  } catch (const std::exception &e) {
    std::cout.flush();
    std::cerr << "aec: internal error: " << e.what() << "\n";
    return 3;
  }
}
