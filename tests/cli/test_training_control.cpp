// Training control from the command line: the non-finite guard (located at the DSL expression,
// the last good checkpoint kept), validation split, early stopping, schedules and clipping.
#include "cli_run.h"
#include "runtime/checkpoint.h"
#include "runtime/schedule.h"
#include "source/diagnostics.h"
#include "support/temp_dir.h"
#include "support/test_support.h"

#include <doctest/doctest.h>

#include <cmath>
#include <regex>

namespace {

using aec::test::json_field;
using aec::test::last_line;
using aec::test::Run;
using aec::test::run_aec;

const std::string kSmall = "'synthetic:lowrank?n=2000&d=16'";

std::vector<double> json_array(const std::string &json, const std::string &key) {
  std::smatch m;
  REQUIRE(std::regex_search(json, m, std::regex("\"" + key + "\": \\[([^\\]]*)\\]")));
  std::vector<double> out;
  std::string list = m[1];
  const std::regex number("[-0-9.eE+]+");
  for (std::sregex_iterator it(list.begin(), list.end(), number), end; it != end; ++it) out.push_back(std::stod(it->str()));
  return out;
}

} // namespace

TEST_CASE("exp of a large value stops training at the exp's line:col, with a caret") {
  aec::test::TempDir t;
  std::string model = t.write("overflow.ae", "dim D\ninput x : [D]\nparam W : [4, D] = glorot\nhyper a = 200\n\n"
                                             "minimize ||x - W' * (W * x)||^2 + sum(exp(a * (W * x)))\n");
  Run r = run_aec("train " + model + " --data " + kSmall);
  INFO(r.output);
  CHECK(r.status == 1);
  CHECK(r.output.find(model + ":6:39: error: `exp` gives +infinity for sample ") != std::string::npos);
  CHECK(r.output.find("    minimize ||x - W' * (W * x)||^2 + sum(exp(a * (W * x)))\n                                          ^~~") !=
        std::string::npos);
  CHECK(r.output.find("note: training stopped in epoch 1, step 1: the loss became infinite") != std::string::npos);
}

TEST_CASE("a squared norm that overflows is reported as the whole ||...||^2, underlined") {
  aec::test::TempDir t;
  std::string model = t.write("norm.ae", "dim D\ninput x : [D]\nparam W : [D, D] = orthogonal\nminimize ||1e20 * (x - W * x)||^2\n");
  Run r = run_aec("train " + model + " --data " + kSmall);
  INFO(r.output);
  CHECK(r.status == 1);
  CHECK(r.output.find(model + ":4:10: error: `||1e20 * (x - W * x)||^2` gives +infinity for sample ") != std::string::npos);
  CHECK(r.output.find("    minimize ||1e20 * (x - W * x)||^2\n             ^~~~~~~~~~~~~~~~~~~~~~~~\n") != std::string::npos);
}

TEST_CASE("a gradient that becomes infinite is traced to the expression it flows through") {
  aec::test::TempDir t;
  std::string model =
      t.write("sqrt.ae", "dim D\ninput x : [D]\nparam W : [4, D] = glorot\n\nminimize ||x - W' * (W * x)||^2 + sum(sqrt(relu(W * x)))\n");
  Run r = run_aec("train " + model + " --data " + kSmall);
  INFO(r.output);
  CHECK(r.status == 1);
  CHECK(r.output.find(model + ":5:39: error: the gradient through `sqrt` becomes +infinity") != std::string::npos);
  CHECK(r.output.find("a gradient became NaN or infinite") != std::string::npos);
}

TEST_CASE("divergence keeps the last good checkpoint, which still loads") {
  aec::test::TempDir t;
  std::string ckpt = t.path("last.ckpt");
  Run r = run_aec("train " + aec::test::example_path("pca_tied") + " --set k=4 --data " + kSmall + " --optimizer sgd --lr 3 --save " +
                  ckpt + " --save-every 1");
  INFO(r.output);
  CHECK(r.status == 1);
  std::smatch m;
  REQUIRE(std::regex_search(
      r.output, m, std::regex("step ([0-9]+): the loss became infinite; the last good checkpoint, .* \\(after step ([0-9]+)\\), is kept")));
  CHECK(std::stoi(m[2]) == std::stoi(m[1]) - 1);
  aec::runtime::Checkpoint c = aec::runtime::load_checkpoint(ckpt);
  REQUIRE(c.training);
  CHECK(c.training->step == std::stoi(m[2]));
  for (float v : c.params.at("B").values) CHECK(std::isfinite(v));
}

TEST_CASE("--val reports a held-out loss every epoch, --patience stops early and keeps the best params") {
  aec::test::TempDir t;
  Run r = run_aec("train " + aec::test::example_path("relu_ae") +
                  " --data 'synthetic:lowrank?n=3000&d=64' --set h=32 --set k=8 --epochs 40 --lr 0.02 "
                  "--val 0.2 --patience 2 --json --save " +
                  t.path("best.ckpt"));
  INFO(r.output);
  REQUIRE(r.status == 0);
  std::string json = last_line(r.output);
  std::vector<double> val = json_array(json, "val_losses");
  REQUIRE(val.size() == size_t(json_field(json, "epochs")));
  CHECK(val.size() < 40); // a large step size overfits or oscillates well before 40 epochs
  int best = int(json_field(json, "best_epoch"));
  CHECK(val[size_t(best - 1)] == *std::min_element(val.begin(), val.end()));
  CHECK(int(val.size()) == best + 2); // two epochs without improvement
  CHECK(r.output.find("\"stop\": \"early_stopped\"") != std::string::npos);
  CHECK(r.output.find("stopped early after epoch " + std::to_string(val.size()) +
                      ": no better validation loss for 2 epochs; keeping the params of epoch " + std::to_string(best)) !=
        std::string::npos);
  CHECK(std::regex_search(r.output, std::regex("epoch +1/40  loss [0-9.e+-]+  val [0-9.e+-]+ \\*")));
  // The checkpoint holds the best epoch's params, not the last one's.
  aec::runtime::Checkpoint c = aec::runtime::load_checkpoint(t.path("best.ckpt"));
  REQUIRE(c.training);
  REQUIRE(c.training->best_params.size() == c.params.size());
  for (const auto &entry : c.params) {
    INFO(entry.first);
    CHECK(entry.second.values == c.training->best_params.at(entry.first));
  }
}

TEST_CASE("settings that cannot work are refused before training") {
  Run per_sample = run_aec("train " + aec::test::example_path("sparse_coding") + " --data " + kSmall + " --val 0.1");
  CHECK(per_sample.status == 1);
  CHECK(per_sample.output.find("--val: param z is `per sample`") != std::string::npos);
  Run patience = run_aec("train " + aec::test::example_path("pca_tied") + " --data " + kSmall + " --patience 3");
  CHECK(patience.status == 1);
  CHECK(patience.output.find("--patience needs a validation split") != std::string::npos);
  Run schedule = run_aec("train " + aec::test::example_path("pca_tied") + " --data " + kSmall + " --schedule step:0");
  CHECK(schedule.status == 1);
  CHECK(schedule.output.find("--schedule step:0: EVERY must be a positive number of epochs") != std::string::npos);
  Run val = run_aec("train " + aec::test::example_path("pca_tied") + " --data " + kSmall + " --val 1.5");
  CHECK(val.status == 1);
  Run every = run_aec("train " + aec::test::example_path("pca_tied") + " --data " + kSmall + " --save-every 5");
  CHECK(every.status == 1);
  CHECK(every.output.find("--save-every needs --save CKPT") != std::string::npos);
}

TEST_CASE("schedules: step decays by its factor, cosine reaches zero at the end") {
  using aec::runtime::scheduled_lr;
  auto parse_schedule = [](const std::string &text) {
    aec::Schedule s;
    std::string why = aec::train_options::parse<aec::train_options::Type::LrSchedule>(text, s);
    if (!why.empty()) throw std::invalid_argument(why);
    return s;
  };
  auto step = parse_schedule("step:2:0.5");
  CHECK(scheduled_lr(step, 1.0, 0, 100, 0, 6) == 1.0);
  CHECK(scheduled_lr(step, 1.0, 0, 100, 2, 6) == 0.5);
  CHECK(scheduled_lr(step, 1.0, 0, 100, 5, 6) == 0.25);
  auto third = parse_schedule("step"); // every third of the run, factor 0.1
  CHECK(scheduled_lr(third, 1.0, 0, 100, 3, 9) == doctest::Approx(0.1));
  auto cosine = parse_schedule("cosine");
  CHECK(scheduled_lr(cosine, 2.0, 0, 100, 0, 1) == 2.0);
  CHECK(scheduled_lr(cosine, 2.0, 50, 100, 0, 1) == doctest::Approx(1.0));
  CHECK(scheduled_lr(cosine, 2.0, 99, 100, 0, 1) < 0.002);
  CHECK_THROWS_WITH(parse_schedule("linear"), "expected constant, step[:EVERY[:FACTOR]] or cosine");
  CHECK_THROWS_WITH(parse_schedule("step:3:2"), "FACTOR must be in (0, 1] (expected constant, step[:EVERY[:FACTOR]] or cosine)");
  CHECK_THROWS_WITH(parse_schedule("step:0"),
                    "EVERY must be a positive number of epochs (expected constant, step[:EVERY[:FACTOR]] or cosine)");
}

TEST_CASE("clipping and schedules change training and are stated in the header, train options set them too") {
  const std::string base = "train " + aec::test::example_path("pca_tied") + " --set k=4 --data " + kSmall + " --epochs 2 --json";
  double plain = json_field(last_line(run_aec(base).output), "final_loss");
  Run clipped = run_aec(base + " --clip 0.001");
  CHECK(clipped.output.find("clip 0.001") != std::string::npos);
  CHECK(json_field(last_line(clipped.output), "final_loss") > plain); // tiny steps: slower progress
  Run cosine = run_aec(base + " --schedule cosine");
  CHECK(cosine.output.find("adam lr 0.003 (cosine)") != std::string::npos);
  CHECK(json_field(last_line(cosine.output), "final_loss") != plain);
  aec::test::TempDir t;
  std::string model = t.write("m.ae", "dim D\ninput x : [D]\nparam B : [D, 4] = normal(0.01)\nminimize ||x - B * B' * x||^2\n"
                                      "train schedule=step:1:0.5 clip=2 val=0.25 patience=3 epochs=2\n");
  Run options = run_aec("train " + model + " --data " + kSmall);
  INFO(options.output);
  CHECK(options.status == 0);
  CHECK(options.output.find("(step:1:0.5), clip 2, 25% held out, patience 3") != std::string::npos);
  std::string bad =
      t.write("bad.ae", "dim D\ninput x : [D]\nparam B : [D, 4] = normal(0.01)\nminimize ||x - B * B' * x||^2\ntrain val=2\n");
  Run refused = run_aec("check " + bad);
  CHECK(refused.status == 1);
  CHECK(refused.output.find("bad.ae:5:7: error: train val=2: expected a fraction between 0 and 1") != std::string::npos);
}
