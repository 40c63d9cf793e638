// Deep and long input: nesting (brackets, norms, calls, unrolls, unary signs, suffixes) is bounded
// at ast::kMaxNesting, refused at the token or suffix that goes past it; chains of binary
// operators, which every walk follows in a loop, are not bounded by it.
#include "parse.h"
#include "support/test_support.h"

#include <doctest/doctest.h>
#include <string>

using namespace aec;

namespace {

std::string repeat(const std::string &s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

// The first diagnostic of `minimize <objective>` over x : [4], or "" when it is accepted.
std::string diagnose(const std::string &objective) {
  try {
    test::load_text("dim D\ninput x : [D]\nminimize " + objective + "\n", 4);
    return "";
  } catch (const CompileError &e) {
    const Diagnostic &d = e.diagnostics()[0];
    return std::to_string(d.span.line) + ":" + std::to_string(d.span.col) + ": " + d.message;
  }
}

const std::string kTooDeep = "the expression is nested deeper than 256 levels";

} // namespace

TEST_CASE("brackets nest up to 256 levels, and the 257th is refused at its token") {
  // sum( is one level, each ( one more.
  CHECK(diagnose("sum(" + repeat("(", 255) + "x" + repeat(")", 255) + ")") == "");
  std::string d = diagnose("sum(" + repeat("(", 256) + "x" + repeat(")", 256) + ")");
  CHECK(d.rfind("3:" + std::to_string(10 + 4 + 255) + ": " + kTooDeep, 0) == 0);
}

TEST_CASE("unary minus signs, norms, calls and unrolls count as nesting") {
  CHECK(diagnose("sum(" + repeat("-", 255) + "x)") == "");
  CHECK(diagnose("sum(" + repeat("-", 256) + "x)").find(kTooDeep) != std::string::npos);
  CHECK(diagnose(repeat("||", 256) + "x" + repeat("||", 256)) == "");
  CHECK(diagnose(repeat("||", 257) + "x" + repeat("||", 257)).find(kTooDeep) != std::string::npos);
  CHECK(diagnose(repeat("sum(", 257) + "x" + repeat(")", 257)).find(kTooDeep) != std::string::npos);
  CHECK(diagnose("sum(" + repeat("unroll 1 from y = x: ", 256) + "y)").find(kTooDeep) != std::string::npos);
  // A binary minus does not start a run of signs: x - -x is one level of sign.
  CHECK(diagnose("sum(x" + repeat(" - -x", 300) + ")") == "");
}

TEST_CASE("suffixes count as nesting, refused at the suffix that goes past it") {
  CHECK(diagnose("sum(x" + repeat("'", 255) + ")") == "");
  CHECK(diagnose("sum(x" + repeat("'", 256) + ")").find(kTooDeep) != std::string::npos);
  std::string d = diagnose("sum(x)" + repeat("^1", 300));
  CHECK(d.rfind("3:" + std::to_string(10 + 6 + 2 * 255) + ": " + kTooDeep, 0) == 0);
}

TEST_CASE("a chain of 100000 binary operators is one level deep and is elaborated") {
  CHECK(diagnose("sum(x" + repeat(" + x", 100000) + ")") == "");
  CHECK(diagnose("sum(x" + repeat(" .* x - x", 50000) + ")") == "");
  // Its messages keep a short text of the expression, not 100000 texts of quadratic length.
  std::string d = diagnose("sum(x" + repeat(" + x", 2000) + " + ones(3))");
  CHECK(d.find("cannot add x + x + x") != std::string::npos);
  CHECK(d.size() < 400);
}

TEST_CASE("--emit=ast prints a chain of 100000 operators with bounded indentation") {
  ast::Program p = parse_program(std::make_shared<SourceFile>(SourceFile{"chain.ae", "minimize x" + repeat(" + x", 100000) + "\n"}));
  std::string dump = ast::dump(p);
  CHECK(dump.find("[100001] Name x") != std::string::npos);
  CHECK(dump.size() < 300 * 200001); // linear in the nodes (indented by depth, it would be 10^10 bytes)
}
