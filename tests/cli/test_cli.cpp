// The aec command as a user runs it: exit codes, the JSON line, PCA checks, a decreasing loss.
#include "cli_run.h"
#include "runtime/dataset.h"
#include "support/npy_text.h"
#include "support/temp_dir.h"
#include "support/test_support.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sys/wait.h>

namespace {

using aec::test::json_field;
using aec::test::last_line;
using aec::test::Run;
using aec::test::run_aec;

const std::string kLowRank = "'synthetic:lowrank?n=20000&d=64&rank=8&noise=0.01'";

} // namespace

TEST_CASE("aec train pca_tied --strict recovers the principal subspace") {
  Run r = run_aec("train " + aec::test::example_path("pca_tied") + " --data " + kLowRank + " --set k=8 --strict --json");
  INFO(r.output);
  CHECK(r.status == 0);
  std::string json = last_line(r.output);
  CHECK(json_field(json, "max_angle_deg") < 1.0);
  CHECK(json_field(json, "recon_error") < 1.05 * json_field(json, "optimal_error"));
  CHECK(r.output.find("Eckart-Young optimum") != std::string::npos);
}

TEST_CASE("every linear model recovers the principal subspace with --strict") {
  for (const char *name : {"pca_untied", "factorization", "unrolled_ls", "param2_inverse", "param3_shared"}) {
    Run r = run_aec("train " + aec::test::example_path(name) + " --data " + kLowRank + " --set k=8 --strict --json");
    INFO(name << "\n" << r.output);
    CHECK(r.status == 0);
    CHECK(json_field(last_line(r.output), "max_angle_deg") < 1.0);
  }
}

TEST_CASE("--strict fails with exit 2 when the check fails") {
  // One epoch of plain SGD with a tiny step cannot find the subspace.
  Run r = run_aec("train " + aec::test::example_path("pca_tied") + " --data " + kLowRank +
                  " --set k=8 --epochs 1 --optimizer sgd --lr 1e-6 --strict");
  INFO(r.output);
  CHECK(r.status == 2);
  // located at the check statement, with its line and a caret
  CHECK(r.output.find("pca_tied.ae:11:11: error: check pca(B) failed: the largest principal angle is") != std::string::npos);
  CHECK(r.output.find("    check pca(B)\n              ^") != std::string::npos);
}

TEST_CASE("relu_ae trains with a decreasing loss on the default data") {
  // Fashion-MNIST when installed, else the synthetic source; two epochs keep it quick.
  Run r = run_aec("train " + aec::test::example_path("relu_ae") + " --epochs 3 --json");
  INFO(r.output);
  REQUIRE(r.status == 0);
  std::smatch m;
  std::string json = last_line(r.output);
  REQUIRE(std::regex_search(json, m, std::regex("\"epoch_losses\": \\[([^\\]]*)\\]")));
  std::vector<double> losses;
  std::stringstream ss(m[1]);
  for (std::string item; std::getline(ss, item, ',');) losses.push_back(std::stod(item));
  REQUIRE(losses.size() == 3);
  CHECK(losses[1] < losses[0]);
  CHECK(losses[2] < losses[1]);
}

TEST_CASE("errors exit 1 with a located message") {
  Run bad_flag = run_aec("train " + aec::test::example_path("pca_tied") + " --epochs zero");
  CHECK(bad_flag.status == 1);
  CHECK(bad_flag.output.find("--epochs zero: expected a positive integer") != std::string::npos);
  Run missing = run_aec("check /nonexistent/model.ae");
  CHECK(missing.status == 1);
  CHECK(missing.output.find("/nonexistent/model.ae: no such file") != std::string::npos);
  Run missing_first = run_aec("train /nonexistent/model.ae"); // before the default data is read
  CHECK(missing_first.output == "aec: error: /nonexistent/model.ae: no such file\n");
  Run bad_data = run_aec("train " + aec::test::example_path("pca_tied") + " --data /nonexistent.idx");
  CHECK(bad_data.status == 1);
  Run bad_rate = run_aec("train " + aec::test::example_path("pca_tied") + " --lr abc");
  CHECK(bad_rate.output == "aec: error: --lr abc: expected a positive number\n");
  Run typo = run_aec("train " + aec::test::example_path("pca_tied") + " --optimiser adam");
  CHECK(typo.status == 1);
  CHECK(typo.output == "aec: error: unknown flag --optimiser; did you mean --optimizer?\n");
  Run far = run_aec("check " + aec::test::example_path("pca_tied") + " --verbose");
  CHECK(far.output == "aec: error: unknown flag --verbose (this command takes --data, --set)\n");
  std::string bad = (std::filesystem::temp_directory_path() / "aec_cli_bad.ae").string();
  std::ofstream(bad) << "dim D\ninput x : [D]\nminimize ||x - y||^2\n";
  Run unknown = run_aec("check " + bad);
  CHECK(unknown.status == 1);
  CHECK(unknown.output == bad + ":3:16: error: unknown name 'y'\n    minimize ||x - y||^2\n                   ^\n");
  std::filesystem::remove(bad);
}

TEST_CASE("aec compile emits every stage") {
  for (const char *stage : {"ast", "graph", "grad", "opt", "llvm", "dot"}) {
    Run r = run_aec("compile " + aec::test::example_path("pca_tied") + " --emit=" + stage + " --data 'synthetic:lowrank?n=100&d=16'");
    INFO(stage << r.output.substr(0, 400));
    CHECK(r.status == 0);
  }
  Run llvm = run_aec("compile " + aec::test::example_path("relu_ae") + " --emit=llvm --data 'synthetic:lowrank?n=100&d=64'");
  CHECK(llvm.output.find("define void @aec_entry") != std::string::npos);

  Run none = run_aec("compile " + aec::test::example_path("pca_tied"));
  CHECK(none.status == 1);
  CHECK(none.output == "aec: error: aec compile needs --emit=STAGE, the stage to print: ast, graph, grad, opt, llvm, asm or dot\n");
  Run other = run_aec("compile " + aec::test::example_path("pca_tied") + " --emit=bytecode");
  CHECK(other.status == 1);
  CHECK(other.output == "aec: error: --emit=bytecode: expected one of ast, graph, grad, opt, llvm, asm, dot\n");
}

TEST_CASE("aec compile --print-after shows the graph after any stage of the driver") {
  const std::string base = "compile " + aec::test::example_path("pca_tied") + " --emit=opt --data 'synthetic:lowrank?n=100&d=16'";
  for (const char *stage : {"lower", "presimplify", "differentiate", "simplify", "fold-transposes", "remove-dead-nodes"}) {
    Run r = run_aec(base + " --print-after=" + stage);
    INFO(stage << "\n" << r.output.substr(0, 400));
    CHECK(r.status == 0);
    CHECK(r.output.find("; after " + std::string(stage) + "\n%0 = ") != std::string::npos);
  }
  Run bad = run_aec(base + " --print-after=simplfy");
  CHECK(bad.status == 1);
  CHECK(bad.output.find("--print-after=simplfy: no such stage (lower, presimplify, differentiate, select, simplify, fold-transposes, "
                        "remove-dead-nodes)") != std::string::npos);
}

TEST_CASE("aec opt runs passes on graph text: the pipeline on the training graph gives aec compile's optimized graph") {
  const std::string program = aec::test::example_path("deep_ae") + " --data 'synthetic:lowrank?n=100&d=16'";
  const std::string dir = std::filesystem::temp_directory_path() / ("aec_opt_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  REQUIRE(run_aec("compile " + program + " --emit=grad > " + dir + "/grad.txt").status == 0);
  Run opt = run_aec("opt " + dir + "/grad.txt --passes=simplify,fold-transposes,remove-dead-nodes --batch 256");
  Run compiled = run_aec("compile " + program + " --emit=opt"); // compiled for the train line's batch: 256
  CHECK(opt.status == 0);
  std::string expected = compiled.output.substr(compiled.output.find("%0 = "));
  expected = expected.substr(0, expected.find("\n; ") + 1); // without the schedule's summary
  CHECK(opt.output == expected);

  std::ofstream(dir + "/bad.txt") << "%0 = input x : [4] batched\n%1 = exp %0 : [5] batched\n";
  Run bad = run_aec("opt " + dir + "/bad.txt");
  CHECK(bad.status == 1);
  CHECK(bad.output == dir + "/bad.txt:2:15: error: the shape rule of exp gives [4], the text says [5]\n"
                            "    %1 = exp %0 : [5] batched\n"
                            "                  ^\n");
  Run unknown = run_aec("opt " + dir + "/grad.txt --passes=canonicalise");
  CHECK(unknown.status == 1);
  CHECK(unknown.output.find("no pass named 'canonicalise'; did you mean canonicalize?") != std::string::npos);
  Run missing = run_aec("opt " + dir + "/absent.txt");
  CHECK(missing.status == 1);
  std::filesystem::remove_all(dir);
}

TEST_CASE("aec COMMAND --help and aec help COMMAND print that command's usage and exit 0, and a misspelt command suggests the one meant") {
  for (const char *cmd : {"check", "compile", "opt", "train", "run", "gradcheck", "pca"}) {
    for (const std::string &call : {std::string(cmd) + " --help", "help " + std::string(cmd), std::string(cmd) + " x.ae -h"}) {
      Run r = run_aec(call);
      INFO(call << "\n" << r.output);
      CHECK(r.status == 0);
      CHECK(r.output.rfind("usage:\n  aec " + std::string(cmd) + " ", 0) == 0); // this command first ...
      CHECK(r.output.find("\n  aec ", 8) == std::string::npos);                 // ... and no other
      CHECK(r.output.find("Data: ") != std::string::npos);
    }
  }
  Run all = run_aec("help");
  CHECK(all.status == 0);
  CHECK(all.output.find("  aec pca ") != std::string::npos);
  Run unknown = run_aec("help frobnicate");
  CHECK(unknown.status == 1);
  CHECK(unknown.output.rfind("aec: error: unknown command 'frobnicate'\n", 0) == 0);
  Run typo = run_aec("trian " + aec::test::example_path("pca_tied"));
  CHECK(typo.status == 1);
  CHECK(typo.output.rfind("aec: error: unknown command 'trian'; did you mean train?\nusage: aec COMMAND", 0) == 0);
}

namespace {
// --set flags that shrink an example for a quick check.
std::string small_sets(const std::string &name) {
  std::string flags;
  for (const auto &[k, v] : aec::test::small_overrides(name)) flags += " --set " + k + "=" + v;
  return flags;
}
// --data for an example: `source` for its first input and, for a classifier's labels, class ids in
// [0, 10) written into `t` (one per sample of `n`).
std::string example_data(const std::string &name, const std::string &source, int n, const aec::test::TempDir &t) {
  if (name != "classifier") return source.empty() ? "" : " --data '" + source + "'";
  std::vector<int64_t> ids;
  for (int i = 0; i < n; ++i) ids.push_back((i * 7) % 10);
  std::string labels = t.write("labels.npy", aec::test::npy_bytes("<i8", "(" + std::to_string(n) + ",)", ids));
  return " --data 'x=" + (source.empty() ? aec::runtime::default_data_spec() : source) + "' --data y=" + labels;
}

std::vector<std::string> all_examples() {
  std::vector<std::string> names;
  for (auto &e : std::filesystem::directory_iterator(AEC_EXAMPLES_DIR))
    if (e.path().extension() == ".ae") names.push_back(e.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}
} // namespace

TEST_CASE("aec gradcheck passes on every example, second-order ones included") {
  std::vector<std::string> names = all_examples();
  CHECK(names.size() >= 18);
  for (const std::string &name : names) {
    aec::test::TempDir t;
    std::string source = "synthetic:lowrank?n=50&d=" + std::to_string(aec::test::example_width(name, 12)) + "&rank=3";
    Run r = run_aec("gradcheck " + aec::test::example_path(name) + example_data(name, source, 50, t) + " --entries 8" + small_sets(name));
    INFO(name << "\n" << r.output);
    CHECK(r.status == 0);
    CHECK(r.output.find("(tolerance 1e-06): ok") != std::string::npos);
  }
}

TEST_CASE("every example trains an epoch with a finite, decreasing loss") {
  // The default data (Fashion-MNIST when installed, else synthetic), its first 2048 samples.
  for (const std::string &name : all_examples()) {
    // The synthetic default is 64 wide: a program that fixes another width gets it explicitly.
    aec::ir::Size width = aec::test::example_width(name, 64);
    std::string source =
        std::filesystem::exists(aec::runtime::kFashionMnistDir) || width == 64 ? "" : "synthetic:lowrank?n=2048&d=" + std::to_string(width);
    aec::test::TempDir t;
    bool fashion = std::filesystem::exists(aec::runtime::kFashionMnistDir);
    Run r = run_aec("train " + aec::test::example_path(name) + " --limit 2048 --epochs 1 --json" +
                    example_data(name, source, fashion && name == "classifier" ? 60000 : 5000, t));
    INFO(name << "\n" << r.output);
    REQUIRE(r.status == 0);
    std::string json = last_line(r.output);
    double first = json_field(json, "initial_loss"), last = json_field(json, "final_loss");
    CHECK(std::isfinite(last));
    CHECK(last < first);
  }
}

TEST_CASE("aec run writes robust_ae's anomaly score for every sample") {
  std::string ckpt = (std::filesystem::temp_directory_path() / "aec_cli_robust.ckpt").string();
  std::string csv = (std::filesystem::temp_directory_path() / "aec_cli_score.csv").string();
  std::string program = aec::test::example_path("robust_ae");
  Run t = run_aec("train " + program + " --data 'synthetic:lowrank?n=1000&d=20&rank=3' --epochs 2 --save " + ckpt);
  INFO(t.output);
  REQUIRE(t.status == 0);
  Run r =
      run_aec("run " + program + " --load " + ckpt + " --data 'synthetic:lowrank?n=300&d=20&rank=3&sample=1' --output score --out " + csv);
  INFO(r.output);
  REQUIRE(r.status == 0);
  CHECK(r.output.find("wrote " + csv + ": 300 samples of []") != std::string::npos);
  std::ifstream in(csv);
  int lines = 0;
  for (std::string line; std::getline(in, line); ++lines) CHECK(std::stod(line) >= 0); // a norm
  CHECK(lines == 300);

  // Errors name what is wrong and exit 1.
  Run no_output = run_aec("run " + program + " --load " + ckpt + " --data 'synthetic:lowrank?n=10&d=20' --output codes");
  CHECK(no_output.status == 1);
  CHECK(no_output.output.find("the program has no output 'codes' (it has: score)") != std::string::npos);
  Run other = run_aec("run " + program + " --load " + ckpt + " --data 'synthetic:lowrank?n=10&d=20' --output score --set k=3");
  CHECK(other.status == 1);
  CHECK(other.output.find("param W is [3, 20] in the program, but [32, 20] in the checkpoint; dim k is 3 now, 32 in the checkpoint") !=
        std::string::npos);
  Run missing = run_aec("run " + program + " --load /nonexistent.ckpt --data /nonexistent.csv --output score"); // before the data is read
  CHECK(missing.status == 1);
  CHECK(missing.output == "aec: error: /nonexistent.ckpt: cannot open the checkpoint\n");
  Run no_data = run_aec("run " + program + " --load " + ckpt + " --output score");
  CHECK(no_data.status == 1);
  CHECK(no_data.output == "aec: error: aec run needs --data D, the samples to evaluate the output on (the training data, or new data)\n");
  std::filesystem::remove(ckpt);
  std::filesystem::remove(csv);
}

TEST_CASE("aec check on the diagnostics corpus: exit 1, file:line:col, the line and a caret") {
  int count = 0;
  for (auto &entry : std::filesystem::directory_iterator(std::string(AEC_TESTS_DIR) + "/diagnostics")) {
    if (entry.path().extension() != ".ae") continue;
    std::ifstream in(entry.path());
    std::string first;
    std::getline(in, first);
    std::string expected = first.substr(std::string("# expect: ").size());
    std::string path = entry.path().string();
    Run r = run_aec("check " + path);
    INFO(path << "\n" << r.output);
    CHECK(r.status == 1);
    bool located = std::isdigit(static_cast<unsigned char>(expected[0]));
    std::string head = path + (located ? ":" : ": error: ") + expected;
    if (located) head = path + ":" + std::regex_replace(expected, std::regex(R"(^(\d+:\d+): )"), "$1: error: ");
    CHECK(r.output.rfind(head + "\n", 0) == 0);
    if (located) CHECK(r.output.find('^') != std::string::npos);
    ++count;
  }
  CHECK(count >= 40);
}
