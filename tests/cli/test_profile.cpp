// aec train --profile: where a step's time went, as a table and in --json; its rows and the time
// they leave out add up to the step, and profiling changes no bit of the training.
#include "cli_run.h"
#include "support/temp_dir.h"
#include "support/test_support.h"

#include <doctest/doctest.h>

#include <fstream>
#include <regex>

using aec::test::json_field;
using aec::test::Run;
using aec::test::run_aec;

namespace {
const char *kProgram = "dim D\n"
                       "dim K = 16\n"
                       "input x : [D]\n"
                       "param W1 : [K, D] = glorot\n"
                       "param b1 : [K] = zeros\n"
                       "param W2 : [D, K] = glorot\n"
                       "h = relu(W1 * x + b1)\n"
                       "minimize ||x - W2 * h||^2\n";
const std::string kData = " --data 'synthetic:lowrank?n=3000&d=96&rank=8' --epochs 2 --batch 128 --threads 1";

// Every value of `"key": number` in `json`, in order.
std::vector<double> json_values(const std::string &json, const std::string &key) {
  std::vector<double> out;
  std::regex r("\"" + key + "\": ([-0-9.eE+]+)");
  for (auto it = std::sregex_iterator(json.begin(), json.end(), r); it != std::sregex_iterator(); ++it) out.push_back(std::stod((*it)[1]));
  return out;
}
} // namespace

TEST_CASE("aec train --profile: the step's rows and the rest add up to the step, in the table and in --json") {
  aec::test::TempDir t;
  const std::string program = (t.dir / "ae.ae").string();
  std::ofstream(program) << kProgram;

  Run plain = run_aec("train " + program + kData + " --json");
  Run r = run_aec("train " + program + kData + " --profile --json");
  INFO(r.output);
  REQUIRE(plain.status == 0);
  REQUIRE(r.status == 0);
  const std::string json = aec::test::last_line(r.output);
  // Profiling changes no bit of the training.
  CHECK(json_field(json, "final_loss") == json_field(aec::test::last_line(plain.output), "final_loss"));

  // 3000 samples in batches of 128: 24 steps an epoch, 48 in all; the first is left out.
  const size_t at = json.find("\"profile\": ");
  REQUIRE(at != std::string::npos);
  const std::string profile = json.substr(at);
  CHECK(json_field(profile, "steps") == 47);
  const double step = json_field(profile, "step_seconds"), unaccounted = json_field(profile, "unaccounted_share");
  CHECK(step > 0);
  CHECK(47 * step <= json_field(json, "seconds"));
  // The acceptance: the rows account for the step within 5%.
  CHECK(std::abs(unaccounted) < 0.05);
  double shares = 0;
  for (double s : json_values(profile, "share")) shares += s;
  CHECK(shares + unaccounted == doctest::Approx(1.0).epsilon(1e-4));
  // The encoder's and decoder's products and their gradients, each with a library and a speed.
  const std::vector<double> gflops = json_values(profile, "gflops");
  CHECK(gflops.size() >= 4);
  for (double g : gflops) CHECK(g > 0);
  CHECK(std::regex_search(profile, std::regex("\"kind\": \"product\", \"what\": \"product \\(matmul\\) at 7:[0-9]+ `\\*`\"")));
  CHECK(std::regex_search(profile, std::regex("\"library\": \"(oneDNN|OpenBLAS|oneDNN and OpenBLAS)\"")));
  CHECK(profile.find("\"kind\": \"update\", \"what\": \"adam update\"") != std::string::npos);
  CHECK(profile.find("\"kind\": \"update\", \"what\": \"the gradients' norm (finite check)\"") != std::string::npos);
  CHECK(profile.find("\"kind\": \"data\"") != std::string::npos);
  CHECK(profile.find("`relu`") != std::string::npos);

  // The table, after the final line.
  CHECK(std::regex_search(r.output, std::regex("profile of 47 steps \\(the run's first left out\\), [0-9.]+ ms a step on 1 thread:\n"
                                               "   share   ms/step  GFLOP/s  what\n")));
  CHECK(std::regex_search(
      r.output, std::regex("\n +[0-9.]+%  +[0-9.]+  +[0-9.]+  product \\(matmul\\) at 7:[0-9]+ `\\*`, [0-9]+x[0-9]+x[0-9]+ [NT][NT] on ")));
  CHECK(std::regex_search(r.output, std::regex("\n +-?[0-9.]+%  +-?[0-9.]+  +in no row \\(timers, calls between the steps\\)\n")));
  CHECK(plain.output.find("profile of") == std::string::npos);
}

TEST_CASE("aec train --profile of a single step says there is nothing to profile") {
  aec::test::TempDir t;
  const std::string program = (t.dir / "ae.ae").string();
  std::ofstream(program) << kProgram;
  Run r = run_aec("train " + program + " --data 'synthetic:lowrank?n=100&d=96&rank=8' --epochs 1 --batch 128 --profile");
  INFO(r.output);
  CHECK(r.status == 0);
  CHECK(r.output.find(
            "--profile: nothing to profile: the run's first step is left out (it creates the products' kernels), and it took no other") !=
        std::string::npos);
}
