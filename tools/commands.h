// The `aec` subcommands. Each returns the process exit status (0 ok, 1 input error, 2 failed
// check) and reports errors by throwing CompileError / InputError, caught in main.
#pragma once
#include "args.h"
#include "internal.h"

#include <iostream>
#include <string>
#include <vector>

namespace aec::cli {

int cmd_check(const std::vector<std::string> &argv);
int cmd_compile(const std::vector<std::string> &argv);
int cmd_train(const std::vector<std::string> &argv);
int cmd_pca(const std::vector<std::string> &argv);
int cmd_gradcheck(const std::vector<std::string> &argv);
int cmd_run(const std::vector<std::string> &argv);

// Shared by the commands: the one .ae file among the positional arguments, read before any
// data is (a missing file is reported first).
SourcePtr read_program(const Args &a, const char *command);
// The data spec of --data, or the default source (announced on `log`).
std::string data_spec(const Args &a, std::ostream &log);
// The data of --data (or the default), cut to its first --limit N samples when given.
Dataset load_data_for(const Args &a, std::ostream &log);
// Parses and checks the program with the data's width and --set overrides.
LoadedProgram load_program(const SourcePtr &program, std::optional<int64_t> width, const Args &a);

} // namespace aec::cli
