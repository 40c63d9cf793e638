// Programs and runs too large for the machine are refused before they allocate: the compiler's
// bounds (unrolls, expansion, value sizes: the diagnostics corpus has a case of each) answer
// within a second, and a run's memory plan is checked against --max-memory or what the machine
// has available, with the largest part located in the source and nothing written.
#include "cli_run.h"
#include "support/temp_dir.h"
#include "support/test_support.h"

#include <chrono>
#include <doctest/doctest.h>
#include <filesystem>
#include <functional>

namespace {

using aec::test::Run;
using aec::test::run_aec;

double seconds_of(const std::function<void()> &f) {
  auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

} // namespace

TEST_CASE("an unroll of 10^6 steps and a nest of unrolls of 10^8 steps are refused at their count, at once") {
  aec::test::TempDir t;
  std::string one = t.write("one.ae", "dim D = 4\ninput x : [D]\nminimize sum(unroll 1000000 from y = x: y + x)\n");
  std::string nest = t.write("nest.ae", "dim D = 4\ninput x : [D]\nparam B : [D, D] = glorot\n"
                                        "e(x) = unroll 10000 from y = x: unroll 10000 from z = y: z + B * z\nminimize sum(e(x))\n");
  Run r1, r2;
  double s = seconds_of([&] {
    r1 = run_aec("check " + one);
    r2 = run_aec("check " + nest);
  });
  CHECK(s < 10); // seconds, not the hours an unrolled graph of 10^8 steps would take
  INFO(r1.output, r2.output);
  CHECK(r1.status == 1);
  CHECK(r1.output.find("one.ae:3:21: error: unroll of 1000000 steps exceeds the limit of 10000") != std::string::npos);
  CHECK(r2.status == 1);
  CHECK(r2.output.find("nest.ae:4:40: error: unroll of 10000 steps inside an unroll of 10000 steps runs its step 100000000 times") !=
        std::string::npos);
}

TEST_CASE("the Jacobian of a 100000-wide input is refused at the value whose derivative would not fit") {
  aec::test::TempDir t;
  std::string p = t.write("wide.ae", "dim D = 100000\ninput x : [D]\nparam b : [D] = zeros\nf(x) = sigmoid(x + b)\n"
                                     "minimize ||x - f(x)||^2 + 0.1 * ||df/dx||_F^2\n");
  Run r = run_aec("check " + p);
  INFO(r.output);
  CHECK(r.status == 1);
  CHECK(r.output.find("wide.ae:4:18: error: the derivative of this value with respect to the point is [100000, 100000]") !=
        std::string::npos);
  CHECK(r.output.find("f(x) = sigmoid(x + b)\n                     ^") != std::string::npos);
}

TEST_CASE("training over --max-memory is refused before it allocates: the largest part located, the parts listed, no checkpoint") {
  aec::test::TempDir t;
  std::string ckpt = t.path("model.ckpt");
  Run r = run_aec("train " + aec::test::example_path("deep_ae") +
                  " --data 'synthetic:lowrank?n=600&d=784' --epochs 1 --max-memory 20M --save " + ckpt);
  INFO(r.output);
  CHECK(r.status == 1);
  CHECK(r.output.find("error: training needs ") != std::string::npos);
  CHECK(r.output.find("more than the 20 MB that --max-memory allows") != std::string::npos);
  CHECK(r.output.find("note: in all: ") != std::string::npos);
  CHECK(r.output.find("with 2 adam state arrays and a checkpoint copy") != std::string::npos);
  CHECK(r.output.find("epoch   1") == std::string::npos); // not one step trained
  CHECK(!std::filesystem::exists(ckpt));

  // The same run fits under a bound the plan says it needs, and trains.
  Run ok = run_aec("train " + aec::test::example_path("deep_ae") + " --data 'synthetic:lowrank?n=600&d=784' --epochs 1 --max-memory 200M");
  INFO(ok.output);
  CHECK(ok.status == 0);
}

TEST_CASE("a model too large for the machine's memory is refused before it allocates, without --max-memory") {
  aec::test::TempDir t;
  // 64 params of 2^28 floats (each within the compiler's bound): 64 GiB of values, 192 GiB with
  // Adam's moments; more than any CI machine has.
  std::string text = "dim D\ninput x : [D]\n";
  std::string sum = "sum(x)";
  for (int i = 0; i < 64; ++i) {
    text += "param W" + std::to_string(i) + " : [16384, 16384] = zeros\n";
    sum += " + sum(W" + std::to_string(i) + ")";
  }
  std::string p = t.write("huge.ae", text + "minimize " + sum + "\n");
  Run r;
  double s = seconds_of([&] { r = run_aec("train " + p + " --data 'synthetic:lowrank?n=10&d=8' --epochs 1"); });
  INFO(r.output);
  CHECK(s < 30);
  CHECK(r.status == 1);
  CHECK(r.output.find("huge.ae:") != std::string::npos);
  CHECK(r.output.find("error: training needs 193 GB, more than the ") != std::string::npos);
  CHECK(r.output.find(" this machine has available; the largest part is param W0 [16384, 16384] with 2 adam state arrays: 3.0 GB") !=
        std::string::npos);
  CHECK(r.output.find("param W0 : [16384, 16384] = zeros\n          ^~") != std::string::npos);
}

TEST_CASE("aec run over --max-memory is refused at the largest part, --max-memory must be a size") {
  aec::test::TempDir t;
  std::string ckpt = t.path("sc.ckpt"), out = t.path("code.npy");
  std::string data = " --data 'synthetic:lowrank?n=3000&d=64'";
  std::string program = aec::test::example_path("sparse_coding");
  REQUIRE(run_aec("train " + program + data + " --epochs 1 --save " + ckpt).status == 0);
  Run r = run_aec("run " + program + " --load " + ckpt + data + " --output code --out " + out + " --max-memory 1M");
  INFO(r.output);
  CHECK(r.status == 1);
  CHECK(r.output.find("sparse_coding.ae:7:7: error: aec run needs ") != std::string::npos);
  CHECK(r.output.find("the largest part is param z [1024] for each of 3000 samples: 12 MB") != std::string::npos);
  CHECK(r.output.find("Fewer samples (--limit N) or smaller dims would need less") != std::string::npos);
  CHECK(!std::filesystem::exists(out));

  Run bad = run_aec("train " + program + data + " --max-memory 12X");
  CHECK(bad.status == 1);
  CHECK(bad.output.find("aec: error: --max-memory 12X: expected a size in bytes, or with K, M, G or T (e.g. 8G)") != std::string::npos);
}
