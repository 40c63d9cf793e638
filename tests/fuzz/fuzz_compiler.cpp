// libFuzzer target: the text of a .ae program through the compiler: parse -> check -> lower ->
// differentiate -> optimize (the training graph of every program that checks). A diagnosed
// rejection (CompileError, InputError) is a pass; anything else escaping, a sanitizer report, a
// crash or a hang is a bug.
#include "driver/driver.h"
#include "passes/passes.h"
#include "support/diagnostics.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string text(reinterpret_cast<const char *>(data), size);
  try {
    aec::ElaborateOptions options;
    options.data_width = 12; // small, so that any valid program is cheap to differentiate
    aec::Model m = aec::driver::load_model(aec::driver::source_from_string("fuzz.ae", text), options);
    aec::ir::Graph g = aec::passes::optimize(aec::driver::training_graph(m));
    aec::passes::verify(g);
  } catch (const aec::CompileError &) {
  } catch (const aec::InputError &) {
  }
  return 0;
}
