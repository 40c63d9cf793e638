// Timing a kernel's steps (runtime/step_profile.h, aec train --profile): every step of every run
// is timed, its products counted with their floating-point operations, and the marks change no bit
// of what the kernel computes.
#include "driver/driver.h"
#include "runtime/batch_io.h"
#include "runtime/executor.h"
#include "runtime/init.h"
#include "runtime/profile_table.h"
#include "runtime/step_profile.h"
#include "support/test_support.h"

#include <doctest/doctest.h>

#include <chrono>
#include <cstring>
#include <random>

using namespace aec;

namespace {
const char *kProgram = "dim D\ninput x : [D]\nparam W : [3, D] = glorot\nminimize ||x - W' * tanh(W * x)||^2\n";

// The training step of kProgram on 10 samples of width 8, with or without profiling marks.
struct Step {
  Model m = test::load_text(kProgram, 8);
  std::unique_ptr<codegen::Kernel> kernel;
  std::optional<runtime::Executor> ex;
  runtime::ParamStore params{{"W", std::vector<float>(24)}};
  explicit Step(bool profile) {
    kernel = driver::compile(m, driver::Request::training_step(), runtime::kernel_options(10, 1, {profile, false}));
    ex.emplace(*kernel, 10);
    for (size_t i = 0; i < 24; ++i) params["W"][i] = 0.05f * float(i % 7) - 0.1f;
    runtime::bind_shared_params(*ex, m, params);
    for (int64_t i = 0; i < 80; ++i) ex->input("x")[i] = 0.01f * float(i % 13);
  }
};
} // namespace

TEST_CASE("a profiled kernel times every step of every run, counts its products, and computes the same bits") {
  Step plain(false), profiled(true);
  plain.ex->run(10);
  runtime::KernelTimes times;
  double wall = 0;
  {
    runtime::ProfilingSession session;
    const auto start = std::chrono::steady_clock::now();
    for (int run = 0; run < 3; ++run) profiled.ex->run(10);
    wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    times = session.stop();
  }
  for (const std::string &out : {std::string("loss"), std::string("grad.W")})
    CHECK(std::memcmp(plain.ex->output(out), profiled.ex->output(out), sizeof(float) * (out == "loss" ? 1 : 24)) == 0);

  REQUIRE(times.count(profiled.kernel.get()) == 1);
  const std::vector<runtime::StepTime> &steps = times[profiled.kernel.get()];
  const std::vector<codegen::Step> &schedule = profiled.kernel->schedule().steps;
  REQUIRE(steps.size() == schedule.size());
  double timed = 0;
  bool found_encoder = false;
  for (size_t i = 0; i < steps.size(); ++i) {
    CHECK(steps[i].runs == 3);
    timed += steps[i].seconds;
    const bool product = schedule[i].kind == codegen::StepKind::Gemm || schedule[i].kind == codegen::StepKind::GemmSum;
    CHECK((steps[i].products > 0) == product);
    if (!product) continue;
    CHECK(steps[i].flops == doctest::Approx(double(steps[i].products) * steps[i].shape.flops()));
    CHECK(!runtime::gemm_library_names(steps[i].libraries).empty());
    if (steps[i].shape == runtime::GemmShape{false, false, 3, 10, 8}) found_encoder = true; // W x: [3, 10] = [3, 8] [8, 10]
  }
  CHECK(found_encoder);
  CHECK(timed > 0);
  CHECK(timed <= wall); // the steps lie inside the runs

  // Nothing is recorded once the session is over, and a kernel compiled without marks has none.
  profiled.ex->run(10);
  runtime::ProfilingSession again;
  plain.ex->run(10);
  CHECK(again.stop().empty());
}

TEST_CASE("a profile's rows name the program's expressions and take their shares of the step") {
  Step profiled(true);
  runtime::KernelTimes times;
  {
    runtime::ProfilingSession session;
    for (int run = 0; run < 4; ++run) profiled.ex->run(10);
    times = session.stop();
  }
  std::vector<runtime::ProfileRow> rows = runtime::kernel_rows(profiled.m, times, {{profiled.kernel.get(), ""}}, 2);
  REQUIRE(rows.size() == profiled.kernel->schedule().steps.size());
  double kernel_seconds = 0;
  bool named_tanh = false;
  for (const runtime::ProfileRow &r : rows) {
    kernel_seconds += r.seconds;
    if (r.what.find("`tanh`") != std::string::npos) named_tanh = true;
    if (r.kind == "product") {
      CHECK(r.gflops > 0);
      CHECK(!r.library.empty());
      CHECK(r.shape.find('x') != std::string::npos);
    }
  }
  CHECK(named_tanh);
  rows.push_back({"update", "the optimizer", 0.25 * kernel_seconds});
  // Two training steps over which the kernel's time is spread (4 runs), plus a quarter for the
  // update, against a step time that leaves a tenth of it in no row.
  const double step = 1.25 * kernel_seconds / 0.9;
  const runtime::StepProfile p = runtime::make_profile(rows, 2, 2 * step);
  CHECK(p.step_seconds == doctest::Approx(step));
  CHECK(p.unaccounted_share() == doctest::Approx(0.1));
  double shares = 0;
  for (size_t i = 0; i < p.rows.size(); ++i) {
    shares += p.rows[i].share;
    if (i > 0) CHECK(p.rows[i - 1].seconds >= p.rows[i].seconds);
  }
  CHECK(shares == doctest::Approx(0.9));
}

TEST_CASE("a profiled kernel counts its convolutions' floating-point operations as the products they lower to") {
  const Model m = test::load_text(test::kImageOps, 81);
  auto kernel = driver::compile(m, driver::Request::training_step(), runtime::kernel_options(4, 1, {true, false}));
  runtime::Executor ex(*kernel, 4);
  runtime::ParamStore params;
  std::mt19937_64 init(3);
  for (const ParamInfo &p : m.params) params[p.name] = runtime::initialize_storage(p, 4, init);
  runtime::bind_shared_params(ex, m, params);
  for (int64_t i = 0; i < 81 * 4; ++i) ex.input("x")[i] = 0.01f * float(i % 17);
  runtime::KernelTimes times;
  {
    runtime::ProfilingSession session;
    ex.run(4);
    times = session.stop();
  }
  const std::vector<runtime::StepTime> &steps = times[kernel.get()];
  const std::vector<codegen::Step> &schedule = kernel->schedule().steps;
  int convolutions = 0;
  for (size_t i = 0; i < schedule.size(); ++i) {
    if (schedule[i].kind != codegen::StepKind::Conv) continue;
    ++convolutions;
    REQUIRE(i < steps.size());
    CHECK(steps[i].products == 1);
    CHECK(steps[i].flops > 0);
    CHECK(!runtime::gemm_library_names(steps[i].libraries).empty());
  }
  CHECK(convolutions >= 6); // conv twice, conv_t twice, each with its gradients
}
