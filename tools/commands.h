// The `aec` subcommands. Each returns the process exit status (0 ok, 1 input error, 2 failed
// check) and reports errors by throwing CompileError / InputError, caught in main.
#pragma once
#include "args.h"
#include "internal.h"
#include "runtime/input_binding.h"

#include <iostream>
#include <string>
#include <vector>

namespace aec::cli {

int cmd_check(const std::vector<std::string> &argv);
int cmd_compile(const std::vector<std::string> &argv);
int cmd_opt(const std::vector<std::string> &argv);
int cmd_train(const std::vector<std::string> &argv);
int cmd_pca(const std::vector<std::string> &argv);
int cmd_gradcheck(const std::vector<std::string> &argv);
int cmd_run(const std::vector<std::string> &argv);
int cmd_params(const std::vector<std::string> &argv);

// Shared by the commands: the one .ae file among the positional arguments, read before any
// data is (a missing file is reported first).
SourcePtr read_program(const Args &a, const char *command);
// The data spec of --data, or the default source (announced on `log`).
std::string data_spec(const Args &a, std::ostream &log);
// The data of --data (or the default), cut to its first --limit N samples when given.
Dataset load_data_for(const Args &a, std::ostream &log);
// The sources of every --data (NAME=SOURCE for each of several inputs, or one SOURCE), or the
// default source (announced on `log`), loaded.
runtime::LoadedSources load_sources_for(const Args &a, std::ostream &log);
// Parses and checks the program with the data's width and --set overrides.
LoadedProgram load_program(const SourcePtr &program, std::optional<int64_t> width, const Args &a);
// The same with the widths of the sources bound to its inputs.
LoadedProgram load_program(const SourcePtr &program, const runtime::LoadedSources &sources, const Args &a);
// The sources bound to the program's inputs (runtime/input_binding.h), cut to --limit N; every
// input must have one, or those in `required`.
Dataset bind_data_for(const LoadedProgram &p, runtime::LoadedSources sources, const Args &a,
                      std::optional<std::vector<std::string>> required = std::nullopt);
// `c` with the training options given as flags (support/train_options.def) on top; a flag the
// command does not take is never among them (Args refused it).
TrainConfig apply_flags(TrainConfig c, const Args &a);
// Throws InputError unless a file can be written at `path` (given by `flag`: --save, --out...):
// its folder exists and is writable and it is not a folder itself. Checked before any work, so
// that an hour of training is not lost to a typo in --plot.
void check_output_path(const std::optional<std::string> &path, const std::string &flag);
// A located warning on `err` for every param the objective never reads (check, train).
void warn_about_unused_params(const LoadedProgram &p, std::ostream &err);

} // namespace aec::cli
