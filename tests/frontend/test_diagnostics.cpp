// Invalid programs and the exact location and message of their diagnostic.
#include "parse.h"
#include "support/test_support.h"

#include <doctest/doctest.h>

using namespace aec;

namespace {

struct Case {
  const char *what;
  const char *program;
  int line, col;
  const char *message; // a substring of the message
};

const Case kCases[] = {
    // `||` after `-` opens a new norm, so the parser stumbles at the `^`.
    {"syntax: a missing operand", "dim D\ninput x : [D]\nminimize ||x - ||^2\n", 3, 18, "syntax error"},
    // a line may continue inside brackets, so the missing ')' is found at the end of the file
    {"syntax: unbalanced parenthesis", "dim D\ninput x : [D]\nminimize sum((x)\n", 4, 1, "end of file"},
    {"syntax: a stray character", "dim D\ninput x : [D]\nminimize sum(x) $\n", 3, 17, "syntax error"},
    {"unknown name", "dim D\ninput x : [D]\nminimize ||x - y||^2\n", 3, 16, "unknown name 'y'"},
    {"unknown function", "dim D\ninput x : [D]\nminimize sum(frob(x))\n", 3, 14, "unknown function 'frob'"},
    {"the spec's own example: inner sizes differ", "dim D = 784\ninput x : [D]\nparam W : [256, 784] = glorot\nh = W * x\nminimize ||x - W * h||^2\n", 5, 18,
     "cannot multiply W : [256, 784] by h : [256]: inner sizes 784 and 256 differ"},
    {"elementwise shapes differ", "dim D = 784\ninput x : [D]\nparam W : [256, D] = glorot\nminimize ||x - W * x||^2\n", 4, 14,
     "cannot subtract x : [784] and W * x : [256]: shapes differ"},
    {"vector times vector", "dim D\ninput x : [D]\nminimize sum(x * x)\n", 3, 16, "a vector times a vector is not a product"},
    {"non-scalar objective", "dim D\ninput x : [D]\nminimize x - 1\n", 3, 12, "minimize needs a scalar objective"},
    {"redefinition", "dim D\ninput x : [D]\nparam W : [3, D] = glorot\nparam W : [3, D] = zeros\nminimize sum(W * x)\n", 4, 7,
     "'W' is already defined as a param on line 3"},
    {"reserved d", "dim D\ninput x : [D]\nd = x\nminimize sum(d)\n", 3, 1, "'d' is reserved"},
    {"two inputs", "dim D\ninput x : [D]\ninput y : [D]\nminimize sum(x)\n", 3, 1, "a second 'input'"},
    {"arity of a user function", "dim D\ninput x : [D]\nf(a, b) = a + b\nminimize sum(f(x))\n", 4, 14, "function f takes 2 arguments, got 1"},
    {"recursion", "dim D\ninput x : [D]\nf(a) = f(a)\nminimize sum(f(x))\n", 3, 8, "calls itself"},
    {"unused subscript param", "dim D\ninput x : [D]\nparam W : [3, D] = glorot\nparam V : [3, D] = glorot\nf_V(a) = W * a\nminimize sum(f(x))\n", 5, 1,
     "lists param V in its subscript, but its body never uses it"},
    {"unknown initializer", "dim D\ninput x : [D]\nparam W : [3, D] = xavier\nminimize sum(W * x)\n", 3, 20, "unknown initializer 'xavier'"},
    {"initializer arity", "dim D\ninput x : [D]\nparam W : [3, D] = normal\nminimize sum(W * x)\n", 3, 20, "initializer normal takes 1 argument"},
    {"check pca on a vector", "dim D\ninput x : [D]\nparam b : [D] = zeros\nminimize ||x - b||^2\ncheck pca(b)\n", 5, 11, "check pca needs a param matrix"},
    {"check pca with more columns than features", "dim D = 4\ninput x : [D]\nparam B : [D, 6] = glorot\nminimize ||x - B * B' * x||^2\ncheck pca(B)\n", 5, 11,
     "B : [4, 6] needs no more columns than the input has features"},
    {"inv of a non-square matrix", "dim D = 4\ninput x : [D]\nparam W : [3, D] = glorot\nminimize sum(inv(W) * x)\n", 4, 18,
     "inv needs a square matrix, but W : [3, 4] is not one"},
    {"solve with a right side of the wrong size", "dim D = 4\ninput x : [D]\nparam A : [3, 3] = identity\nminimize sum(solve(A, x))\n", 4, 23,
     "solve(A, b) needs b with 3 rows to match A : [3, 3], got x : [4]"},
    {"diag of a matrix", "dim D = 4\ninput x : [D]\nparam A : [3, 3] = identity\nminimize sum(diag(A))\n", 4, 19,
     "diag makes a diagonal matrix from a vector, but A : [3, 3] is not a vector"},
    {"unknown dim in a shape", "dim D\ninput x : [D]\nparam W : [k, D] = glorot\nminimize sum(W * x)\n", 3, 12, "unknown dim 'k'"},
    {"divide by a vector", "dim D\ninput x : [D]\nminimize sum(x / x)\n", 3, 16, "'/' divides by a scalar"},
    {"unknown train option", "dim D\ninput x : [D]\nminimize sum(x)\ntrain epoch=3\n", 4, 7, "unknown train option 'epoch'"},
    {"bad optimizer", "dim D\ninput x : [D]\nminimize sum(x)\ntrain optimizer=lbfgs\n", 4, 7, "expected sgd, momentum or adam"},
    {"unroll step changes the shape", "dim D = 5\ninput x : [D]\nparam W : [3, D] = glorot\ne(x) = unroll 2 from y = x: W * y\nminimize sum(e(x))\n", 4, 31,
     "each step must keep the shape"},
    // Regressions: each of these once escaped as an internal error or ran out of memory.
    {"an integer too large", "dim k = 99999999999999999999\ninput x : [k]\nminimize sum(x)\n", 1, 9, "the integer 99999999999999999999 is too large"},
    {"a number out of range", "dim D\ninput x : [D]\nhyper h = 1e999\nminimize sum(x) * h\n", 3, 11, "out of range for a double"},
    {"invalid UTF-8", "dim D\ninput x : [D]\nminimize sum(x) # caf\xe9\n", 3, 22, "not valid UTF-8"},
    {"a param too large to allocate", "dim D = 4\ninput x : [D]\nparam W : [100000, 100000] = glorot\nminimize sum(W)\n", 3, 7, "more than the limit"},
    {"an unroll too long", "dim D\ninput x : [D]\nminimize sum(unroll 100000000 from y = x: y)\n", 3, 21, "exceeds the limit of 10000"},
};

} // namespace

TEST_CASE("invalid programs give the expected line:col and message") {
  for (const Case &c : kCases) {
    INFO(std::string(c.what));
    try {
      ElaborateOptions o;
      driver::load_model(driver::source_from_string("bad.ae", c.program), o);
      FAIL("accepted an invalid program");
    } catch (const CompileError &e) {
      const Diagnostic &d = e.diagnostics().at(0);
      INFO(d.message);
      std::string where = std::to_string(d.span.line) + ":" + std::to_string(d.span.col);
      INFO(where);
      CHECK(d.span.line == c.line);
      CHECK(d.span.col == c.col);
      CHECK(d.message.find(c.message) != std::string::npos);
    }
  }
}

TEST_CASE("a diagnostic renders file:line:col, the source line and a caret") {
  auto src = driver::source_from_string("dae.ae", "dim D\ninput x : [D]\nminimize ||x - y||^2\n");
  try {
    driver::load_model(src, {});
    FAIL("accepted");
  } catch (const CompileError &e) {
    CHECK(render(*src, e.diagnostics()[0]) == "dae.ae:3:16: error: unknown name 'y'\n    minimize ||x - y||^2\n                   ^\n");
  }
}
