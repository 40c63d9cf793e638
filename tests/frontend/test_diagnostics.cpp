// How a diagnostic is rendered (the corpus in tests/diagnostics/ checks what each one says).
#include "parse.h"
#include "support/test_support.h"

#include <doctest/doctest.h>

using namespace aec;

TEST_CASE("a diagnostic renders file:line:col, the source line and a caret") {
  auto src = driver::source_from_string("dae.ae", "dim D\ninput x : [D]\nminimize ||x - y||^2\n");
  try {
    driver::load_model(src, {});
    FAIL("accepted");
  } catch (const CompileError &e) {
    CHECK(render(*src, e.diagnostics()[0]) == "dae.ae:3:16: error: unknown name 'y'\n    minimize ||x - y||^2\n                   ^\n");
  }
}
