// libFuzzer target: the parser alone (UTF-8 check, ANTLR lexer and parser, AST builder) on the
// text of a .ae program. A syntax error reported as a CompileError is a pass; anything else
// escaping, a sanitizer report, a crash or a hang is a bug.
#include "driver/driver.h"
#include "source/diagnostics.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string text(reinterpret_cast<const char *>(data), size);
  try {
    aec::ast::Program p = aec::driver::parse(aec::driver::source_from_string("fuzz.ae", text));
    (void)aec::ast::dump(p); // what `aec compile --emit=ast` prints
  } catch (const aec::CompileError &e) {
    (void)e.render(); // rendering a diagnostic (carets under any bytes) must not fail either
  }
  return 0;
}
