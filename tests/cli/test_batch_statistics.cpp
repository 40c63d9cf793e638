// batch_mean: trained per batch, saved as its last epoch's average, and used by aec run in place
// of the batch (which is no sample of the model); scalar outputs are summarized by aec run.
#include "cli_run.h"
#include "support/temp_dir.h"
#include "support/test_support.h"

#include <doctest/doctest.h>

#include <array>
#include <fstream>
#include <regex>

using aec::test::Run;
using aec::test::run_aec;

namespace {
const char *kProgram = "dim D\n"
                       "input x : [D]\n"
                       "param W : [4, D] = glorot\n"
                       "h = sigmoid(W * x)\n"
                       "rho_hat = batch_mean(h)\n"
                       "minimize ||x - W' * h||^2 + sum((rho_hat - 0.1) ^ 2)\n"
                       "output spread = sum(rho_hat)\n"
                       "output err = ||x - W' * h||^2\n"
                       "output code = h\n";
} // namespace

TEST_CASE("aec run uses the saved average of a batch_mean, and summarizes every scalar output") {
  aec::test::TempDir t;
  std::string program = (t.dir / "stat.ae").string(), ckpt = (t.dir / "stat.ckpt").string();
  std::ofstream(program) << kProgram;
  const std::string data = " --data 'synthetic:lowrank?n=300&d=8&rank=2'";
  Run train = run_aec("train " + program + data + " --epochs 2 --batch 32 --save " + ckpt);
  INFO(train.output);
  REQUIRE(train.status == 0);

  // Every sample sees the same statistic, whatever data and how much of it aec run is given.
  auto spread = [&](const std::string &source) {
    Run r = run_aec("run " + program + " --load " + ckpt + " --data '" + source + "' --output err --json");
    INFO(r.output);
    REQUIRE(r.status == 0);
    std::string json = aec::test::last_line(r.output);
    std::smatch m;
    REQUIRE(
        std::regex_search(json, m, std::regex("\"spread\": \\{\"mean\": ([-0-9.eE+]+), \"min\": ([-0-9.eE+]+), \"max\": ([-0-9.eE+]+)")));
    CHECK(m[2] == m[3]); // one value for all samples
    CHECK(json.find("\"err\": {\"mean\": ") != std::string::npos);
    return std::stod(m[1]);
  };
  double on_training = spread("synthetic:lowrank?n=300&d=8&rank=2");
  CHECK(spread("synthetic:lowrank?n=7&d=8&rank=2&sample=1") == on_training);
  CHECK(on_training > 0);
  CHECK(on_training < 4);

  // Without --json: one line per scalar output, after the values.
  Run r = run_aec("run " + program + " --load " + ckpt + data + " --output code --out " + (t.dir / "code.npy").string());
  INFO(r.output);
  CHECK(r.status == 0);
  CHECK(r.output.find("spread: mean ") != std::string::npos);
  CHECK(r.output.find("err: mean ") != std::string::npos);
}

// Batch normalization: the variance reads the mean. Outside training both are their saved
// averages (the variance was once left a mean over aec run's batch when the mean was replaced
// first).
TEST_CASE("aec run uses the saved average of a statistic that reads another statistic") {
  aec::test::TempDir t;
  std::string program = t.write("norm.ae", "dim D\ninput x : [D]\nparam W : [3, D] = glorot\nparam V : [D, 3] = glorot\n"
                                           "a = W * x\nmu = batch_mean(a)\nc = a - mu\nvar = batch_mean(c .* c)\n"
                                           "minimize ||x - V * tanh(c ./ sqrt(var + 0.01))||^2\n"
                                           "output spread = sum(var)\n");
  std::string ckpt = (t.dir / "norm.ckpt").string();
  REQUIRE(run_aec("train " + program + " --data 'synthetic:lowrank?n=300&d=8&rank=2' --epochs 1 --batch 50 --save " + ckpt).status == 0);
  auto spread = [&](const std::string &source) {
    Run r = run_aec("run " + program + " --load " + ckpt + " --data '" + source + "' --output spread --json");
    INFO(r.output);
    REQUIRE(r.status == 0);
    std::smatch m;
    std::string json = aec::test::last_line(r.output);
    REQUIRE(std::regex_search(json, m, std::regex("\"spread\": \\{\"mean\": ([-0-9.eE+]+)")));
    return std::string(m[1]);
  };
  CHECK(spread("synthetic:lowrank?n=5&d=8&rank=2&sample=1") == spread("synthetic:lowrank?n=300&d=8&rank=2"));
}

TEST_CASE("a resumed run ends with the same batch statistics as an uninterrupted one") {
  aec::test::TempDir t;
  std::string program = (t.dir / "stat.ae").string(), whole = (t.dir / "whole.ckpt").string(), parts = (t.dir / "parts.ckpt").string();
  std::ofstream(program) << kProgram;
  const std::string data = " --data 'synthetic:lowrank?n=300&d=8&rank=2' --batch 32 --threads 1";
  REQUIRE(run_aec("train " + program + data + " --epochs 3 --save " + whole).status == 0);
  REQUIRE(run_aec("train " + program + data + " --epochs 1 --save " + parts).status == 0);
  REQUIRE(run_aec("train " + program + data + " --epochs 3 --resume " + parts).status == 0);
  auto summary = [&](const std::string &ckpt) {
    Run r = run_aec("run " + program + " --load " + ckpt + data.substr(0, data.find(" --batch")) + " --output err --json");
    INFO(r.output);
    REQUIRE(r.status == 0);
    return aec::test::last_line(r.output);
  };
  CHECK(summary(whole) == summary(parts));
}

// One held-out sample: its own batch mean is itself, so a validation on the held-out batch's
// statistics would give 0 here; the training's average gives ||x_held - mean of the others||^2.
TEST_CASE("--val evaluates the held-out samples with the training's batch statistics, as aec run does") {
  aec::test::TempDir t;
  std::string program = t.write("val.ae", "dim D\ninput x : [D]\nparam b : [D] = zeros\nminimize ||x - batch_mean(x)||^2 + ||b||^2\n");
  std::vector<std::array<double, 3>> x;
  std::string csv;
  for (int i = 0; i < 20; ++i) {
    x.push_back({double((i * 7) % 11) - 5, double((i * 7 + 3) % 11) - 4.5, double((i * 7 + 6) % 11) - 4});
    csv += std::to_string(x.back()[0]) + "," + std::to_string(x.back()[1]) + "," + std::to_string(x.back()[2]) + "\n";
  }
  std::string data = t.write("x.csv", csv);
  // 19 training samples in one batch: the statistic's epoch average is their mean.
  Run r = run_aec("train " + program + " --data " + data + " --val 0.05 --batch 19 --epochs 1 --json");
  INFO(r.output);
  REQUIRE(r.status == 0);
  std::smatch m;
  std::string json = aec::test::last_line(r.output);
  REQUIRE(std::regex_search(json, m, std::regex("\"val_losses\": \\[([-0-9.eE+]+)\\]")));
  const double val = std::stod(m[1]);
  double closest = 1e300;
  for (size_t held = 0; held < x.size(); ++held) {
    double mean[3] = {0, 0, 0}, err = 0;
    for (size_t i = 0; i < x.size(); ++i)
      for (int j = 0; j < 3; ++j) mean[j] += i == held ? 0 : x[i][j] / double(x.size() - 1);
    for (int j = 0; j < 3; ++j) err += (x[held][j] - mean[j]) * (x[held][j] - mean[j]);
    closest = std::min(closest, std::abs(err - val));
  }
  CHECK(val > 1);
  CHECK(closest < 1e-5 * val);
}
