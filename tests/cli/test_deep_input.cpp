// Deep and long programs as a user (or a program generator) writes them, through the whole
// pipeline: 10^5 nested brackets, unary signs or exponents are refused at the token past the
// nesting bound (exit 1, located); a sum of 10^5 terms and a chain of 80000 named values train.
// None may end on a signal (the stack overflows these were).
#include "cli_run.h"
#include "support/temp_dir.h"

#include <doctest/doctest.h>
#include <string>

namespace {

using aec::test::Run;
using aec::test::run_aec;

std::string repeat(const std::string &s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

const std::string kHeader = "dim D\ninput x : [D]\nparam W : [4, D] = glorot\n";
const std::string kData = " --data 'synthetic:lowrank?n=64&d=8' --epochs 1 --batch 32";

Run train(const aec::test::TempDir &t, const std::string &name, const std::string &body) {
  return run_aec("train " + t.write(name, kHeader + body) + kData);
}

} // namespace

TEST_CASE("10^5 nested brackets, unary minus signs and exponents are refused at the 257th level") {
  aec::test::TempDir t;
  const int n = 100000;
  struct Case {
    std::string name, objective;
    int col; // where the bound is passed
  } cases[] = {
      {"parens.ae", repeat("(", n) + "sum(x)" + repeat(")", n), 10 + 256},
      {"signs.ae", repeat("-", n) + "sum(x)", 10 + 256},
      {"exponents.ae", "sum(x)" + repeat("^1", n), 10 + 6 + 2 * 255},
      {"norms.ae", repeat("||", n) + "x" + repeat("||", n), 10 + 2 * 256},
  };
  for (const Case &c : cases) {
    Run r = train(t, c.name, "minimize " + c.objective + " + ||W * x||^2\n");
    INFO(c.name, r.output.substr(0, 600));
    CHECK(r.status == 1);
    CHECK(r.output.find(c.name + ":4:" + std::to_string(c.col) + ": error: the expression is nested deeper than 256 levels") !=
          std::string::npos);
    CHECK(r.output.size() < 1000); // the 200000-character line is shown as a window around the caret
  }
}

TEST_CASE("a sum of 10^5 terms trains") {
  aec::test::TempDir t;
  Run r = train(t, "sum.ae", "minimize sum(x" + repeat(" + x", 99999) + ") + ||W * x||^2\n");
  INFO(r.output.substr(0, 600));
  CHECK(r.status == 0);
  CHECK(r.output.find("final loss") != std::string::npos);
}

TEST_CASE("a chain of 80000 named values (a graph 80000 operations deep) trains") {
  aec::test::TempDir t;
  std::string body = "a0 = x\n";
  for (int i = 1; i < 80000; ++i) body += "a" + std::to_string(i) + " = a" + std::to_string(i - 1) + " + x\n";
  Run r = train(t, "chain.ae", body + "minimize sum(a79999) + ||W * x||^2\n");
  INFO(r.output.substr(0, 600));
  CHECK(r.status == 0);
  CHECK(r.output.find("final loss") != std::string::npos);
}
