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

namespace {
std::string first_rendered(const SourcePtr &src) {
  try {
    driver::load_model(src, {});
  } catch (const CompileError &e) {
    return render(*src, e.diagnostics()[0]);
  }
  return "accepted";
}
} // namespace

TEST_CASE("columns and underlines count characters, not bytes") {
  // 'é' is two bytes: one column, one caret; the 'z' after "é + " stands at column 15.
  auto stray = driver::source_from_string("u.ae", "dim D\ninput x : [D]\nminimize é\n");
  CHECK(first_rendered(stray) ==
        "u.ae:3:10: error: syntax error: unexpected 'é'; expected an expression\n    minimize é\n             ^\n");
  auto after = driver::source_from_string("u.ae", "dim D\ninput x : [D]\n# é\nhyper éé = 1\n");
  CHECK(first_rendered(after).find("\n    hyper éé = 1\n          ^\n") != std::string::npos);
}

TEST_CASE("a long source line is shown as a window around the caret") {
  std::string terms;
  for (int i = 0; i < 400; ++i) terms += " + x";
  auto src = driver::source_from_string("long.ae", "dim D\ninput x : [D]\nminimize sum(x" + terms + " + y)\n");
  std::string r = first_rendered(src);
  INFO(r);
  CHECK(r.rfind("long.ae:3:1618: error: unknown name 'y'\n    ...", 0) == 0);
  CHECK(r.find(" + x + y)\n") != std::string::npos); // the line's end is within the window
  size_t caret_line = r.rfind('\n', r.size() - 2) + 1;
  size_t caret = r.find('^', caret_line) - caret_line;
  size_t y_at = r.find(" + y)") + 3 - (r.find('\n') + 1);
  CHECK(caret == y_at); // the caret is under the y
  CHECK(r.size() < 450);
}
