#include "commands.h"
#include "driver/driver.h"
#include "runtime/dataset.h"
#include "source/diagnostics.h"
#include "support/train_options.h"

#include <unistd.h>

#include <filesystem>

namespace aec::cli {

TrainConfig apply_flags(TrainConfig c, const Args &a) {
  for (const std::string &name : train_options::names(train_options::Flag))
    if (auto value = a.get(name))
      if (std::string why = train_options::set(c, name, *value); !why.empty()) throw InputError("--" + name + " " + *value + ": " + why);
  return c;
}

SourcePtr read_program(const Args &a, const char *command) {
  if (a.positional().size() != 1)
    throw InputError(std::string("aec ") + command + " takes one .ae file" +
                     (a.positional().empty() ? "" : ", got " + std::to_string(a.positional().size()) + " arguments"));
  return driver::read_source(a.positional()[0]);
}

std::string data_spec(const Args &a, std::ostream &log) {
  if (auto d = a.get("data")) return *d;
  std::string spec = runtime::default_data_spec();
  log << "no --data given: using " << spec
      << (spec == "fashion-mnist" ? "" : " (Fashion-MNIST is not installed; tools/setup.sh installs it)") << "\n";
  return spec;
}

namespace {
void apply_limit(Dataset &d, const Args &a) {
  if (auto limit = a.get_int("limit", 1); limit && *limit < d.n) {
    d.keep_first(*limit);
    d.description += ", first " + std::to_string(d.n) + " samples";
  }
}
} // namespace

Dataset load_data_for(const Args &a, std::ostream &log) {
  Dataset d = load_data(data_spec(a, log));
  apply_limit(d, a);
  return d;
}

runtime::LoadedSources load_sources_for(const Args &a, std::ostream &log) {
  std::vector<runtime::DataBinding> bindings;
  for (const std::string &value : a.get_all("data")) bindings.push_back(runtime::parse_binding(value));
  if (bindings.empty()) bindings.push_back({"", data_spec(a, log)});
  return runtime::load_sources(bindings);
}

LoadedProgram load_program(const SourcePtr &program, const runtime::LoadedSources &sources, const Args &a) {
  return LoadedProgram::from_string(program->name, program->text, sources.only_width, sources.input_widths, a.sets());
}

Dataset bind_data_for(const LoadedProgram &p, runtime::LoadedSources sources, const Args &a,
                      std::optional<std::vector<std::string>> required) {
  std::vector<std::string> all;
  for (const InputInfo &in : p.model().inputs) all.push_back(in.name);
  Dataset d = runtime::bind_inputs(p.model(), std::move(sources), required.value_or(all));
  apply_limit(d, a);
  return d;
}

LoadedProgram load_program(const SourcePtr &program, std::optional<int64_t> width, const Args &a) {
  return LoadedProgram::from_string(program->name, program->text, width, a.sets());
}

void check_output_path(const std::optional<std::string> &path, const std::string &flag) {
  if (!path) return;
  const std::filesystem::path p(*path);
  const std::string what = flag + " " + *path + ": ";
  std::error_code ec;
  if (std::filesystem::is_directory(p, ec)) throw InputError(what + "is a folder; name a file in it");
  const std::filesystem::path dir = p.has_parent_path() ? p.parent_path() : std::filesystem::path(".");
  if (!std::filesystem::is_directory(dir, ec)) throw InputError(what + "the folder " + dir.string() + " does not exist");
  if (::access(dir.c_str(), W_OK | X_OK) != 0) throw InputError(what + "the folder " + dir.string() + " is not writable");
  if (::access(p.c_str(), F_OK) == 0 && ::access(p.c_str(), W_OK) != 0) throw InputError(what + "the file is not writable");
}

void warn_about_unused_params(const LoadedProgram &p, std::ostream &err) {
  for (const ParamInfo &param : p.model().params)
    if (!param.affects_objective)
      err << render(p.source(),
                    {param.span,
                     "param " + param.name +
                         " does not affect the objective: its gradient is zero, so training "
                         "leaves it at its initial value",
                     {}},
                    "warning");
}

} // namespace aec::cli
