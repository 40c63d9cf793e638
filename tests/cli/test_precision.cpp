// aec train --precision bf16 (and `train precision=bf16`): products from bfloat16 operands with
// float32 sums. The emulation runs on every CPU (AEC_BF16=emulate); the CPU's instructions where it
// has them, and a refusal naming the emulation where it has none.
#include "cli_run.h"
#include "runtime/bfloat16.h"
#include "support/temp_dir.h"
#include "support/test_support.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <string>

using aec::test::json_field;
using aec::test::Run;
using aec::test::run_aec;

namespace {

const std::string kLowRank = " --data 'synthetic:lowrank?n=20000&d=64&rank=8&noise=0.01'";

// AEC_BF16 set for the commands run while it lives.
struct Bfloat16Path {
  explicit Bfloat16Path(const char *value) { setenv("AEC_BF16", value, 1); }
  ~Bfloat16Path() { unsetenv("AEC_BF16"); }
};

// Every example with a `check pca`, trained on the low-rank data with --strict (as spec-check does).
void check_pca_family(const std::string &products) {
  for (const char *name : {"pca_tied", "pca_untied", "param2_inverse", "param3_shared", "factorization", "unrolled_ls"}) {
    Run r =
        run_aec(std::string("train ") + AEC_EXAMPLES_DIR + "/" + name + ".ae" + kLowRank + " --set k=8 --strict --precision bf16 --json");
    INFO(name, ": ", r.output);
    CHECK(r.status == 0);
    CHECK(r.output.find("bfloat16 products: " + products) != std::string::npos);
    CHECK(json_field(aec::test::last_line(r.output), "max_angle_deg") < 1);
  }
}

const char *kProgram = "dim D\n"
                       "input x : [D]\n"
                       "param W1 : [16, D] = glorot\n"
                       "param b1 : [16] = zeros\n"
                       "param W2 : [D, 16] = glorot\n"
                       "minimize ||x - W2 * relu(W1 * x + b1)||^2\n";

} // namespace

TEST_CASE("--precision bf16, emulated: every PCA-family example passes --strict on the low-rank data") {
  Bfloat16Path emulate("emulate");
  check_pca_family("emulated");
}

TEST_CASE("--precision bf16 on this CPU: its bfloat16 instructions pass the same checks, or a refusal names the emulation") {
  if (!aec::runtime::bfloat16_instructions().empty()) {
    check_pca_family(aec::runtime::bfloat16_instructions() + " through oneDNN");
    return;
  }
  Run r = run_aec(std::string("train ") + AEC_EXAMPLES_DIR + "/pca_tied.ae" + kLowRank + " --set k=8 --precision bf16");
  INFO(r.output);
  CHECK(r.status == 1);
  CHECK(r.output.find("--precision bf16: this CPU has no bfloat16 instructions (AVX512-BF16 or AMX-BF16") != std::string::npos);
  CHECK(r.output.find("AEC_BF16=emulate") != std::string::npos);
}

TEST_CASE("bf16 training ends within 1% of float32's loss, `train precision=bf16` is the flag, and a wrong precision is refused") {
  aec::test::TempDir t;
  const std::string program = (t.dir / "ae.ae").string(), in_program = (t.dir / "bf16.ae").string();
  std::ofstream(program) << kProgram;
  std::ofstream(in_program) << kProgram << "train precision=bf16\n";
  const std::string run = kLowRank + " --epochs 3 --threads 1 --json";
  Bfloat16Path emulate("emulate");
  Run fp32 = run_aec("train " + program + run), bf16 = run_aec("train " + program + run + " --precision bf16"),
      line = run_aec("train " + in_program + run);
  INFO(fp32.output, bf16.output, line.output);
  REQUIRE(fp32.status == 0);
  REQUIRE(bf16.status == 0);
  REQUIRE(line.status == 0);
  const double single = json_field(aec::test::last_line(fp32.output), "final_loss"),
               half = json_field(aec::test::last_line(bf16.output), "final_loss");
  CHECK(half != single); // the products were rounded
  CHECK(std::abs(half - single) < 0.01 * single);
  CHECK(json_field(aec::test::last_line(line.output), "final_loss") == half);
  CHECK(line.output.find("bfloat16 products: emulated") != std::string::npos);
  CHECK(fp32.output.find("bfloat16") == std::string::npos);

  Run wrong = run_aec("train " + program + run + " --precision bf17");
  CHECK(wrong.status == 1);
  CHECK(wrong.output.find("--precision bf17: expected fp32 or bf16") != std::string::npos);
  const std::string wrong_line = (t.dir / "fp16.ae").string();
  std::ofstream(wrong_line) << kProgram << "train precision=fp16\n";
  Run located = run_aec("train " + wrong_line + run);
  INFO(located.output);
  CHECK(located.status == 1);
  CHECK(located.output.find(
            "fp16.ae:7:7: error: train precision=fp16: expected fp32 or bf16\n    train precision=fp16\n          ^~~~~~~~~") !=
        std::string::npos);
}
