#include "commands.h"
#include "driver/driver.h"
#include "runtime/dataset.h"
#include "support/diagnostics.h"

namespace aec::cli {

SourcePtr read_program(const Args &a, const char *command) {
  if (a.positional().size() != 1)
    throw InputError(std::string("aec ") + command + " takes one .ae file" + (a.positional().empty() ? "" : ", got " + std::to_string(a.positional().size()) + " arguments"));
  return driver::read_source(a.positional()[0]);
}

std::string data_spec(const Args &a, std::ostream &log) {
  if (auto d = a.get("data")) return *d;
  std::string spec = runtime::default_data_spec();
  log << "no --data given: using " << spec
      << (spec == "fashion-mnist" ? "" : " (Fashion-MNIST is not installed; tools/setup.sh installs it)") << "\n";
  return spec;
}

Dataset load_data_for(const Args &a, std::ostream &log) {
  Dataset d = load_data(data_spec(a, log));
  if (auto limit = a.get_int("limit", 1); limit && *limit < d.n) {
    d.n = *limit;
    d.values.resize(static_cast<size_t>(d.n * d.width));
    d.description += ", first " + std::to_string(d.n) + " samples";
  }
  return d;
}

LoadedProgram load_program(const SourcePtr &program, std::optional<int64_t> width, const Args &a) {
  return LoadedProgram::from_string(program->name, program->text, width, a.sets());
}

} // namespace aec::cli
