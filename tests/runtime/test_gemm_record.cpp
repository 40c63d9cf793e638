// Recording the kernels' products (runtime/gemm_record.h): what --profile and bench/roofline read.
#include "driver/driver.h"
#include "runtime/batch_io.h"
#include "runtime/executor.h"
#include "runtime/gemm_record.h"
#include "support/test_support.h"

#include <doctest/doctest.h>

using namespace aec;

TEST_CASE("a kernel's products are recorded by shape while recording is on, and only then") {
  // The encoder's product W x for 10 samples: column-major [3, 10] = [3, 8] [8, 10], once a run.
  Model m = test::load_text("dim D\ninput x : [D]\nparam W : [3, D] = glorot\nminimize ||x - W' * tanh(W * x)||^2\n", 8);
  auto kernel = driver::compile(m, driver::Request::forward("objective", {"objective"}), runtime::kernel_options(10, 1));
  runtime::Executor ex(*kernel, 10);
  runtime::ParamStore params{{"W", std::vector<float>(24, 0.1f)}};
  runtime::bind_shared_params(ex, m, params);
  std::fill_n(ex.input("x"), 80, 0.5f);
  runtime::start_recording_gemms();
  ex.run(10);
  ex.run(10);
  runtime::GemmRecords records = runtime::stop_recording_gemms();
  int64_t calls = 0;
  for (const auto &[shape, record] : records) {
    CHECK(record.seconds >= 0);
    calls += record.calls;
  }
  CHECK(calls > 0);
  CHECK(calls % 2 == 0); // the same products in both runs
  const runtime::GemmShape encoder{false, false, 3, 10, 8};
  REQUIRE(records.count(encoder) == 1);
  CHECK(records[encoder].calls == 2);
  CHECK(encoder.flops() == 2.0 * 3 * 10 * 8);
  ex.run(10); // not recording
  CHECK(runtime::stop_recording_gemms().empty());
}
