// The memory plan that runs are checked against before they allocate: what it adds up for a
// kernel is what an Executor then allocates, and sizes on the command line parse as users write them.
#include "codegen/kernel.h"
#include "driver/driver.h"
#include "passes/passes.h"
#include "runtime/executor.h"
#include "runtime/memory_plan.h"
#include "source/diagnostics.h"
#include "support/sanitizers.h"
#include "support/test_support.h"

#include <doctest/doctest.h>
#include <malloc.h>

namespace {

constexpr bool kMallocCounts = !aec::test::kAddressSanitizer; // ASan's allocator does not fill mallinfo2

double heap_bytes() {
  struct mallinfo2 mi = mallinfo2();
  return double(mi.uordblks) + double(mi.hblkhd);
}

} // namespace

TEST_CASE("a kernel's part of the memory plan is what its Executor allocates") {
  for (const std::string name : {"deep_ae", "sparse_coding", "denoising_contractive"}) {
    aec::Model m = aec::test::load_example(name, 784);
    auto k = aec::driver::compile(m, aec::driver::Request::training_step(), aec::runtime::kernel_options(256, 1));
    for (int64_t batch : {1, 64, 300}) {
      aec::runtime::MemoryPlan plan(m, "training", "A smaller --batch");
      plan.add_kernel(*k, batch, "the training step's buffers");
      double before = heap_bytes();
      auto ex = std::make_unique<aec::runtime::Executor>(*k, batch);
      double allocated = heap_bytes() - before;
      INFO(name, " at batch ", batch, ": planned ", plan.bytes(), " bytes, allocated ", allocated);
      CHECK(plan.bytes() > 0);
      if (kMallocCounts) CHECK(std::abs(allocated - plan.bytes()) <= 0.01 * plan.bytes() + 16384);
    }
  }
}

TEST_CASE("a plan over its bound throws a located diagnostic and one under it does not") {
  aec::Model m = aec::test::load_example("deep_ae", 784);
  aec::runtime::MemoryPlan plan(m, "training", "A smaller --batch");
  for (const aec::ParamInfo &p : m.params) plan.add_param(p, 100, 2, "2 adam state arrays");
  const double bytes = plan.bytes();
  CHECK(bytes ==
        doctest::Approx(3 * 4.0 *
                        (784 * 1000 * 2 + 1000 * 500 * 2 + 500 * 250 * 2 + 250 * 30 * 2 + 1000 + 500 + 250 + 30 + 784 + 1000 + 500 + 250)));
  CHECK_NOTHROW(plan.check(int64_t(bytes) + 1));
  try {
    plan.check(int64_t(bytes) - 1);
    FAIL("no error");
  } catch (const aec::CompileError &e) {
    REQUIRE(e.diagnostics().size() == 1);
    const aec::Diagnostic &d = e.diagnostics()[0];
    CHECK(d.span.line > 0);
    CHECK(d.message.find("that --max-memory allows; the largest part is param W1 [1000, 784] with 2 adam state arrays: 9.0 MB") !=
          std::string::npos);
    CHECK(e.render().find("deep_ae.ae:") != std::string::npos);
  }
}

TEST_CASE("--max-memory sizes: bytes or K/M/G/T, anything else is refused naming the flag") {
  using aec::runtime::parse_memory_size;
  CHECK(parse_memory_size("1048576", "--max-memory") == 1048576);
  CHECK(parse_memory_size("512K", "--max-memory") == 512 * 1024);
  CHECK(parse_memory_size("1.5G", "--max-memory") == int64_t(1.5 * 1024 * 1024 * 1024));
  CHECK(parse_memory_size("2t", "--max-memory") == int64_t(2) << 40);
  for (const char *bad : {"", "G", "-1G", "0", "12X", "1GB", "nan", "1e30G"})
    CHECK_THROWS_WITH_AS(parse_memory_size(bad, "--max-memory"), doctest::Contains("--max-memory"), aec::InputError);
  CHECK(aec::runtime::memory_text(512) == "512 bytes");
  CHECK(aec::runtime::memory_text(1.5 * 1024 * 1024) == "1.5 MB");
  CHECK(aec::runtime::memory_text(300.0 * 1024 * 1024 * 1024) == "300 GB");
  CHECK(aec::runtime::available_memory() > 0);
}
