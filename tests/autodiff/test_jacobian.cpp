// Jacobians in the language (df/dx, d(e)/d(v), grad(e, v)): their values against central
// finite differences of the function, in double precision, at a batch of random points.
#include "eval/finite_difference.h"
#include "support/op_table.h"
#include "support/test_support.h"

#include <doctest/doctest.h>

using namespace aec;

namespace {

// The program's outputs `fx` (a function of x) and `j` (its claimed Jacobian in x), evaluated on
// a batch; every column of J (one per input coordinate, per sample) against differences of fx.
void check_jacobian(const std::string &program, ir::Size width, double shift = 0.0) {
  Model m = test::load_text(program, width);
  const ir::Graph &g = m.graph;
  auto bind = test::random_bindings<double>(m, g, 3, 5);
  bind.input.array() += shift; // e.g. keep log and sqrt in their domains
  ir::NodeId fx = g.output("out.fx"), j = g.output("out.j");
  REQUIRE(fx >= 0);
  REQUIRE(j >= 0);
  const ir::Shape fs = g.shape(fx);
  eval::Mat<double> jac = eval::evaluate(g, {j}, bind)[0];
  const Eigen::Index m_rows = fs.numel();
  REQUIRE(jac.rows() == m_rows * width);
  double worst = 0;
  for (Eigen::Index b = 0; b < bind.input.cols(); ++b)
    for (Eigen::Index i = 0; i < width; ++i)
      for (Eigen::Index r = 0; r < m_rows; ++r) {
        double numeric = eval::central_difference(bind.input(i, b), [&] { return eval::evaluate(g, {fx}, bind)[0](r, b); });
        double analytic = jac(r + i * m_rows, b); // column-major [m, n]: column i is d f / d x_i
        worst = std::max(worst, std::abs(analytic - numeric) / std::max(1.0, std::abs(numeric)));
      }
  INFO(program);
  CHECK(worst < 1e-7);
}

const char *kHeader = "dim D\ninput x : [D]\nparam W : [3, D] = glorot\nparam b : [3] = zeros\nparam W2 : [2, 3] = glorot\n";

std::string with(const std::string &body) { return std::string(kHeader) + body + "minimize sum(x)\n"; }

} // namespace

TEST_CASE("df/dx of one layer, for every elementwise function of the op table") {
  for (const test::CallableFunction &f : test::callable_elementwise_functions()) {
    std::string call = f.name + "(" + test::in_domain(f.domain, "(W * x + b)");
    if (f.arity == 2) call += ", " + test::in_domain(f.domain, "tanh(W * x)");
    INFO(call);
    check_jacobian(with("f(x) = " + call + ")\noutput fx = f(x)\noutput j = df/dx\n"), 4);
  }
}

TEST_CASE("df/dx of a two-layer encoder (the denoising contractive penalty's Jacobian)") {
  check_jacobian(with("f_W(x) = tanh(W2 * tanh(W * x + b))\noutput fx = f(x)\noutput j = df/dx\n"), 5);
}

TEST_CASE("df/dx through products, quotients, powers and reductions") {
  check_jacobian(with("f(x) = x .* x + 2 * x\noutput fx = f(x)\noutput j = df/dx\n"), 4);
  check_jacobian(with("f(x) = sum(x .* x) * (W * x)\noutput fx = f(x)\noutput j = df/dx\n"), 4);
  check_jacobian(with("f(x) = W * x / (1 + dot(x, x))\noutput fx = f(x)\noutput j = df/dx\n"), 4);
  check_jacobian(with("f(x) = log(x) + sqrt(x) ./ (x + 1) + x ^ 3\noutput fx = f(x)\noutput j = df/dx\n"), 4, 0.5);
  check_jacobian(with("f(x) = W' * sigmoid(W * x) - mean(x)\noutput fx = f(x)\noutput j = df/dx\n"), 4);
}

TEST_CASE("a scalar function's Jacobian is its gradient, shaped like the point") {
  check_jacobian(with("f(x) = ||W * x||^2 + sum(abs(x))\noutput fx = f(x)\noutput j = df/dx\n"), 4);
  check_jacobian(with("e = ||tanh(W * x)||^2\noutput fx = e\noutput j = grad(e, x)\n"), 4);
}

TEST_CASE("d(e)/d(v) follows named values that depend on v") {
  // h depends on x, and e on h: d(e)/d(x) must see both paths.
  check_jacobian(with("h = tanh(W * x + b)\ne = W' * h + x\noutput fx = e\noutput j = d(e)/d(x)\n"), 4);
}

TEST_CASE("d(e)/d(v) with respect to an intermediate value holds the others fixed") {
  // e = W2 * h + h2 where h2 is defined from h: d(e)/d(h) = W2 + diag(1 - h2^2)
  Model m = test::load_text(with("h = W * x\nh2 = tanh(h)\ne = W2' * (W2 * h) + h2\noutput j = d(e)/d(h)\n"), 4);
  auto bind = test::random_bindings<double>(m, m.graph, 2, 3);
  eval::Mat<double> jac = eval::evaluate(m.graph, {m.graph.output("out.j")}, bind)[0];
  eval::Mat<double> W = bind.params["W"].reshaped(3, 4), W2 = bind.params["W2"].reshaped(2, 3);
  for (Eigen::Index b = 0; b < 2; ++b) {
    Eigen::VectorXd h = W * bind.input.col(b);
    Eigen::MatrixXd expected = W2.transpose() * W2;
    expected.diagonal().array() += 1 - h.array().tanh().square();
    CHECK((jac.col(b).reshaped(3, 3) - expected).norm() < 1e-12);
  }
}

TEST_CASE("a derivative with respect to a scalar passes through matrices and inverses") {
  // e = inv(W W' + s I) 1 with s = sum(x): de/ds = -inv(M) inv(M) 1
  Model m = test::load_text(with("s = sum(x)\nM = W * W' + s * eye(3)\ne = inv(M) * ones(3)\noutput j = d(e)/d(s)\n"), 4);
  auto bind = test::random_bindings<double>(m, m.graph, 2, 9);
  eval::Mat<double> jac = eval::evaluate(m.graph, {m.graph.output("out.j")}, bind)[0];
  eval::Mat<double> W = bind.params["W"].reshaped(3, 4);
  for (Eigen::Index b = 0; b < 2; ++b) {
    Eigen::MatrixXd M = W * W.transpose() + bind.input.col(b).sum() * Eigen::MatrixXd::Identity(3, 3);
    Eigen::VectorXd expected = -(M.inverse() * M.inverse()) * Eigen::VectorXd::Ones(3);
    CHECK((jac.col(b) - expected).norm() < 1e-10 * expected.norm());
  }
}

TEST_CASE("unsupported derivatives are located errors, never crashes") {
  auto fails = [](const std::string &program, int line, int col, const std::string &message) {
    INFO(program);
    try {
      test::load_text(program, 4);
      FAIL("accepted");
    } catch (const CompileError &e) {
      const Diagnostic &d = e.diagnostics().at(0);
      INFO(d.message);
      CHECK(d.span.line == line);
      CHECK(d.span.col == col);
      CHECK(d.message.find(message) != std::string::npos);
    }
  };
  fails(with("f(a, c) = a + c\nminimize2 = ||df/dx||^2\n"), 7, 15, "needs a one-argument function, but f takes 2 arguments");
  fails(with("e = W * x\nv = grad(e, x)\n"), 7, 10, "grad needs a scalar expression, but e : [3] is not one");
  fails(with("e = sum(W * x)\nv = d(e)/d(W)\n"), 7, 12, "with respect to W : [3, 4] is not supported yet");
  fails(with("f(x) = (sum(x) * W) * x\nv = df/dx\n"), 6, 16, "passes through the matrix value [3, 4]");
  fails(with("v = d(x)/x\n"), 6, 10, "a derivative is written d(e)/d(v)");
  fails(with("f(x) = x\nv = df/x\n"), 7, 8, "needs d and the point after the '/'");
}
