// The diagnostics corpus (tests/diagnostics/*.ae): each invalid program's first diagnostic
// against the `# expect: LINE:COL: MESSAGE` on its first line, exactly.
#include "support/test_support.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <regex>

using namespace aec;

namespace {

struct Expectation {
  int line = 0, col = 0; // 0: no location
  std::string message;
};

Expectation expectation_of(const std::string &text) {
  std::smatch m;
  std::string first = text.substr(0, text.find('\n'));
  REQUIRE(std::regex_match(first, m, std::regex(R"(# expect: (?:(\d+):(\d+): )?(.*))")));
  Expectation e;
  if (m[1].matched) {
    e.line = std::stoi(m[1]);
    e.col = std::stoi(m[2]);
  }
  e.message = m[3];
  return e;
}

} // namespace

TEST_CASE("every program of the diagnostics corpus gives exactly its expected diagnostic") {
  std::vector<std::filesystem::path> files;
  for (auto &entry : std::filesystem::directory_iterator(std::string(AEC_TESTS_DIR) + "/diagnostics"))
    if (entry.path().extension() == ".ae") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  CHECK(files.size() >= 40);
  for (const auto &file : files) {
    INFO(file.filename().string());
    SourcePtr src = driver::read_source(file.string());
    Expectation want = expectation_of(src->text);
    try {
      driver::load_model(src, {});
      FAIL("accepted an invalid program");
    } catch (const CompileError &e) {
      const Diagnostic &d = e.diagnostics().at(0);
      CHECK(d.message == want.message);
      CHECK(d.span.line == want.line);
      CHECK(d.span.col == want.col);
    }
  }
}
