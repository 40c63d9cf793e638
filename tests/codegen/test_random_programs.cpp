// Random valid .ae programs (support/random_program.h), each checked three ways:
//   1. the unoptimized pipeline (the plain derivative of the forward graph as written) against
//      the optimized one, both in the double-precision reference evaluator: loss and gradients;
//   2. the symbolic gradient of every param against central finite differences of the loss;
//   3. the JIT-compiled training step against the reference evaluator on the same graph.
// AEC_RANDOM_PROGRAMS sets how many (CI runs a few hundred; the `long` label runs 2000);
// AEC_RANDOM_PROGRAM_SEED runs one seed. A failure prints the seed and the program.
#include "driver/driver.h"
#include "passes/passes.h"
#include "source/diagnostics.h"
#include "support/jit_check.h"
#include "support/random_program.h"
#include "support/test_support.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <string>

using namespace aec;

namespace {

uint64_t env_number(const char *name, uint64_t otherwise) {
  const char *v = std::getenv(name);
  return v && *v ? std::strtoull(v, nullptr, 10) : otherwise;
}

struct Tally {
  int programs = 0, jacobians = 0, unrolls = 0, noise = 0, per_sample = 0, inverses = 0, kernels_checked = 0;
  int images = 0, inputs = 0, batch_statistics = 0;
};

void check_program(uint64_t seed, Tally &tally) {
  test::RandomProgram p = test::random_program(seed);
  INFO("seed " << seed << " (rerun alone with AEC_RANDOM_PROGRAM_SEED=" << seed << "); the program:\n" << p.text);
  Model m;
  try {
    m = test::load_text(p.text, p.width);
  } catch (const CompileError &e) {
    FAIL_CHECK("a generated program was refused:\n" << e.render());
    return;
  }
  ir::Graph plain = driver::training_graph(m, /*simplify_first=*/false);
  ir::Graph opt;
  try {
    opt = test::optimize_verifying_every_pass(driver::training_graph(m));
  } catch (const std::exception &e) {
    FAIL_CHECK("the optimizer failed: " << e.what());
    return;
  }
  ++tally.programs;
  tally.jacobians += p.text.find("/d") != std::string::npos || p.text.find("grad(") != std::string::npos;
  tally.unrolls += p.text.find("unroll") != std::string::npos;
  tally.noise += p.text.find("randn(") != std::string::npos || p.text.find("bernoulli(") != std::string::npos ||
                 p.text.find("rand(") != std::string::npos;
  tally.per_sample += p.text.find("per sample") != std::string::npos;
  tally.inverses += p.text.find("inv(") != std::string::npos || p.text.find("solve(") != std::string::npos;
  tally.images += p.text.find("conv(") != std::string::npos || p.text.find("upsample(") != std::string::npos;
  tally.inputs += p.text.find("input u") != std::string::npos;
  tally.batch_statistics += p.text.find("batch_mean(") != std::string::npos;

  // 1. Unoptimized against optimized, in double.
  auto bind = test::random_bindings<double>(m, plain, 3, seed);
  for (const ir::Output &o : plain.outputs) {
    auto a = eval::evaluate(plain, {o.node}, bind)[0];
    auto b = eval::evaluate(opt, {opt.output(o.name)}, bind)[0];
    INFO("output " << o.name);
    CHECK(a.allFinite());
    if (!a.allFinite()) return;
    CHECK(test::relative_error(b, a) < 1e-8);
  }
  // 2. Finite differences against the symbolic gradient.
  for (const auto &e : test::gradient_errors(m, plain, 3, seed, 4)) {
    INFO("finite differences, param " << e.first << ": error " << e.second);
    CHECK(e.second < 1e-5);
  }
  // 3. The JIT against the reference on the optimized graph, both in float: close relative to
  // the output, or (where terms cancel to about zero, which fused multiply-adds round differently)
  // to the loss, or within ten times what float32 itself costs the reference on this output.
  std::vector<test::JitError> jit = test::jit_errors(m, opt, 3, seed);
  double loss = 0;
  for (const test::JitError &e : jit)
    if (e.output == "loss") loss = e.reference_norm;
  for (const test::JitError &e : jit) {
    INFO("JIT, output " << e.output << ": error " << e.absolute << ", relative " << e.relative << "; float32 costs the reference "
                        << e.float_error);
    CHECK(e.absolute <= 1e-4 * e.reference_norm + 1e-6 * (1 + loss) + 10 * e.float_error);
  }
  ++tally.kernels_checked;
}

} // namespace

TEST_CASE("random programs: reference against JIT, finite differences against gradients, unoptimized against optimized") {
  Tally tally;
  if (uint64_t one = env_number("AEC_RANDOM_PROGRAM_SEED", 0)) {
    check_program(one, tally);
    return;
  }
  const uint64_t count = env_number("AEC_RANDOM_PROGRAMS", 300);
  for (uint64_t seed = 1; seed <= count; ++seed) check_program(seed, tally);
  MESSAGE(tally.programs << " programs checked three ways: " << tally.jacobians << " with Jacobians, " << tally.unrolls << " with unrolls, "
                         << tally.noise << " with noise, " << tally.per_sample << " with per-sample params, " << tally.inverses
                         << " with inverses or solves, " << tally.images << " with images, " << tally.inputs << " with two inputs, "
                         << tally.batch_statistics << " with batch statistics");
  CHECK(tally.programs == int(count));
  // The generator reaches every construct often.
  CHECK(tally.jacobians > int(count) / 5);
  CHECK(tally.unrolls > int(count) / 5);
  CHECK(tally.noise > int(count) / 10);
  CHECK(tally.per_sample > int(count) / 10);
  CHECK(tally.inverses > int(count) / 10);
  CHECK(tally.images > int(count) / 10);
  CHECK(tally.inputs > int(count) / 10);
  CHECK(tally.batch_statistics > int(count) / 10);
}
