// What a new user hit on first use, each fixed and pinned here: unused params, output paths
// checked before the work, notes at call sites, throughput without checkpoint I/O, the help and
// version, a resume that overwrites its checkpoint, `aec params`, and per-sample params in
// `aec run` (trained rows on the training data; on new data only what the output reads, fitted
// with a step size that converges, the fit's objective reported).
#include "cli_run.h"
#include "runtime/checkpoint.h"
#include "runtime/data_files.h"
#include "support/temp_dir.h"
#include "support/test_support.h"

#include <chrono>
#include <doctest/doctest.h>
#include <fstream>
#include <regex>

namespace {

using aec::test::Run;
using aec::test::run_aec;

std::string file_text(const std::string &path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

double number_after(const std::string &text, const std::string &label) {
  std::smatch m;
  REQUIRE(std::regex_search(text, m, std::regex(label + " ([-0-9.eE+]+)")));
  return std::stod(m[1]);
}

} // namespace

TEST_CASE("a param the objective does not use passes gradcheck, and check and train warn about it") {
  aec::test::TempDir t;
  std::string program = t.write("unused.ae", "dim D\ninput x : [D]\nparam W : [D, D] = glorot\nparam Q : [2] = zeros\n"
                                             "minimize ||x - W * x||^2\n");
  Run g = run_aec("gradcheck " + program + " --data 'synthetic:lowrank?n=16&d=6&rank=2'");
  INFO(g.output);
  CHECK(g.status == 0);
  CHECK(g.output.find("Q            unused by the objective: its gradient is exactly zero") != std::string::npos);
  const std::string warning = program + ":4:7: warning: param Q does not affect the objective: its gradient is zero, so training leaves it "
                                        "at its initial value\n    param Q : [2] = zeros\n          ^\n";
  Run c = run_aec("check " + program);
  CHECK(c.status == 0);
  CHECK(c.output.find(warning) != std::string::npos);
  Run tr = run_aec("train " + program + " --data 'synthetic:lowrank?n=16&d=6&rank=2' --epochs 1");
  CHECK(tr.status == 0);
  CHECK(tr.output.find(warning) != std::string::npos);
}

TEST_CASE("every output path is checked before any work") {
  aec::test::TempDir t;
  const std::string program = aec::test::example_path("pca_tied"), data = " --data 'synthetic:lowrank?n=64&d=8&rank=2' --set k=2";
  for (std::string flag : {"--plot", "--save"}) {
    Run r = run_aec("train " + program + data + " " + flag + " /nonexistent/folder/f.png");
    CHECK(r.status == 1);
    CHECK(r.output == "aec: error: " + flag + " /nonexistent/folder/f.png: the folder /nonexistent/folder does not exist\n");
  }
  Run folder = run_aec("train " + program + data + " --save " + t.dir.string());
  CHECK(folder.output == "aec: error: --save " + t.dir.string() + ": is a folder; name a file in it\n");
  std::string ckpt = t.path("m.ckpt");
  REQUIRE(run_aec("train " + program + data + " --epochs 1 --save " + ckpt).status == 0);
  for (std::string flag : {"--out", "--grid"}) {
    Run r = run_aec("run " + program + data + " --load " + ckpt + " --output code " + flag + " /nonexistent/x.npy");
    CHECK(r.status == 1);
    CHECK(r.output == "aec: error: " + flag + " /nonexistent/x.npy: the folder /nonexistent does not exist\n");
  }
}

TEST_CASE("an error inside a function body has a note at the call that caused it") {
  aec::test::TempDir t;
  std::string program = t.write("f.ae", "dim D\ndim k = 3\ninput x : [D]\nparam W : [k, D] = glorot\n"
                                        "f(h) = W * h\nminimize sum(f(x)) + sum(f(W * x))\n");
  Run r = run_aec("check " + program + " --data 'synthetic:lowrank?n=8&d=5&rank=2'");
  INFO(r.output);
  CHECK(r.status == 1);
  CHECK(r.output.find(program + ":5:10: error: cannot multiply W : [3, 5] by h : [3]: inner sizes 5 and 3 differ\n") != std::string::npos);
  CHECK(r.output.find(program + ":6:26: note: in this call of f(W * x)\n    minimize sum(f(x)) + sum(f(W * x))\n" +
                      std::string(4 + 25, ' ') + "^\n") != std::string::npos);
}

TEST_CASE("training throughput leaves out the time spent writing checkpoints") {
  aec::test::TempDir t;
  auto start = std::chrono::steady_clock::now();
  Run r = run_aec("train " + aec::test::example_path("pca_tied") +
                  " --data 'synthetic:lowrank?n=4096&d=64&rank=4' --set k=4 --epochs 2 --batch 32"
                  " --save " +
                  t.path("c.ckpt") + " --save-every 1 --json");
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  INFO(r.output);
  REQUIRE(r.status == 0);
  std::string json = aec::test::last_line(r.output);
  double seconds = aec::test::json_field(json, "seconds"), writing = aec::test::json_field(json, "checkpoint_seconds");
  CHECK(writing > 0); // 256 checkpoints
  CHECK(seconds + writing < wall);
  CHECK(aec::test::json_field(json, "samples_per_second") == doctest::Approx(2 * 4096 / seconds).epsilon(1e-3).scale(0));
  CHECK(r.output.find(" s writing checkpoints") != std::string::npos);
}

TEST_CASE("--version, a help footer that offers --limit only where it is taken, and a resume that says where it writes") {
  Run v = run_aec("--version");
  CHECK(v.status == 0);
  CHECK(std::regex_search(v.output, std::regex("^aec [0-9]+\\.[0-9]+\\.[0-9]+ \\(LLVM 19[.0-9]*(, OpenBLAS kernels [A-Za-z0-9]+)?, oneDNN "
                                               "[0-9]+\\.[0-9]+\\.[0-9]+(, Open MPI v[0-9.]+)?\\)\n$")));
  Run help = run_aec("help pca");
  CHECK(help.output.find("train and run also take --limit N") != std::string::npos);
  CHECK(help.output.find("; --limit N keeps") == std::string::npos);
  aec::test::TempDir t;
  const std::string program = aec::test::example_path("pca_tied"), data = " --data 'synthetic:lowrank?n=64&d=8&rank=2' --set k=2";
  std::string ckpt = t.path("m.ckpt");
  REQUIRE(run_aec("train " + program + data + " --epochs 1 --save " + ckpt).status == 0);
  Run resumed = run_aec("train " + program + data + " --epochs 2 --resume " + ckpt);
  CHECK(resumed.status == 0);
  CHECK(resumed.output.find("(the run goes on in the checkpoint it resumed from, " + ckpt +
                            "; --save CKPT keeps that one and writes elsewhere)") != std::string::npos);
}

namespace {
// An NPY file's values, sample after sample (the reader maps a plain file; this reads it whole).
std::vector<float> npy_values(const std::string &path) {
  aec::runtime::Dataset d = aec::runtime::load_npy(path);
  d.load_into_memory();
  return d.values;
}
} // namespace

TEST_CASE("aec params lists a checkpoint's params and writes each as NPY, per-sample rows included") {
  aec::test::TempDir t;
  const std::string program = aec::test::example_path("factorization");
  std::string ckpt = t.path("f.ckpt");
  REQUIRE(run_aec("train " + program + " --data 'synthetic:lowrank?n=50&d=6&rank=2' --set k=3 --epochs 1 --save " + ckpt).status == 0);
  Run r = run_aec("params " + ckpt + " --out " + t.path("params"));
  INFO(r.output);
  REQUIRE(r.status == 0);
  CHECK(r.output.find("  B : [6, 3] -> " + t.path("params") + "/B.npy\n") != std::string::npos);
  CHECK(r.output.find("  z : [3] per sample (50 rows) -> " + t.path("params") + "/z.npy\n") != std::string::npos);
  aec::runtime::Checkpoint c = aec::runtime::load_checkpoint(ckpt);
  aec::runtime::Dataset z = aec::runtime::load_npy(t.path("params/z.npy"));
  CHECK(z.n == 50);
  CHECK(z.width == 3);
  CHECK(npy_values(t.path("params/z.npy")) == c.params.at("z").values); // one row per sample, as stored
  aec::runtime::Dataset b = aec::runtime::load_npy(t.path("params/B.npy"));
  REQUIRE(b.n == 6);
  REQUIRE(b.width == 3);
  for (int i = 0; i < 6; ++i)
    for (int j = 0; j < 3; ++j) CHECK(b.value(i, j) == c.params.at("B").values[size_t(i + j * 6)]); // C order of a column-major B
}

TEST_CASE(
    "aec run uses the trained rows on the training data, and on new data fits only what the output reads, to near the training objective") {
  aec::test::TempDir t;
  const std::string program = aec::test::example_path("factorization"),
                    train_data = " --data 'synthetic:lowrank?n=512&d=16&rank=4' --set k=4";
  std::string ckpt = t.path("f.ckpt");
  Run tr = run_aec("train " + program + train_data + " --epochs 30 --save " + ckpt);
  REQUIRE(tr.status == 0);
  const double trained = number_after(tr.output, "final loss");

  Run same = run_aec("run " + program + train_data + " --load " + ckpt + " --output code --out " + t.path("codes.npy"));
  INFO(same.output);
  REQUIRE(same.status == 0);
  CHECK(same.output.find("using the trained per-sample rows") != std::string::npos);
  CHECK(same.output.find("fitting") == std::string::npos);
  CHECK(npy_values(t.path("codes.npy")) == aec::runtime::load_checkpoint(ckpt).params.at("z").values);

  Run fresh = run_aec("run " + program + " --data 'synthetic:lowrank?n=512&d=16&rank=4&sample=1' --set k=4 --load " + ckpt +
                      " --output code --out " + t.path("new.npy"));
  INFO(fresh.output);
  REQUIRE(fresh.status == 0);
  CHECK(fresh.output.find("fitting z to each of 512 samples") != std::string::npos);
  const double fitted = number_after(fresh.output, "fitted: objective");
  CHECK(fitted < 1.5 * trained + 1e-3); // new samples of the same distribution: about as well explained

  // An output that reads no per-sample param fits nothing.
  std::string other = t.write("f2.ae", file_text(program) + "output projection = B' * x\n");
  Run projection = run_aec("run " + other + " --data 'synthetic:lowrank?n=64&d=16&rank=4&sample=1' --set k=4 --load " + ckpt +
                           " --output projection --out " + t.path("p.npy"));
  INFO(projection.output);
  CHECK(projection.status == 0);
  CHECK(projection.output.find("fitting") == std::string::npos);
}
