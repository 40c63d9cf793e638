// Checkpoints are input too: files people download and share, whose checksum anyone can
// recompute. Each crafted one here is a valid file (saved through save_checkpoint, so the
// checksum matches) whose sizes or indices contradict each other; `aec train --resume` and
// `aec run --load` must refuse it with exit 1 and say what is wrong, never trust it.
#include "cli_run.h"
#include "runtime/checkpoint.h"
#include "support/temp_dir.h"
#include "support/test_support.h"

#include <doctest/doctest.h>
#include <functional>

namespace {

using aec::runtime::Checkpoint;
using aec::test::Run;
using aec::test::run_aec;

const std::string kData = " --data 'synthetic:lowrank?n=64&d=16&rank=4' --set k=4";

void check_refused(const std::string &what, const std::function<void(Checkpoint &)> &craft, const std::string &message) {
  aec::test::TempDir t;
  const std::string program = aec::test::example_path("sparse_coding");
  const std::string good = t.path("good.ckpt"), bad = t.path("bad.ckpt");
  REQUIRE(run_aec("train " + program + kData + " --batch 16 --epochs 1 --save " + good).status == 0);
  Checkpoint c = aec::runtime::load_checkpoint(good);
  craft(c);
  aec::runtime::save_checkpoint(bad, c);
  for (const std::string &command : {"train " + program + kData + " --batch 16 --epochs 2 --resume " + bad,
                                     "run " + program + kData + " --load " + bad + " --output code --out " + t.path("o.csv")}) {
    Run r = run_aec(command);
    INFO(what, ": aec ", command, "\n", r.output);
    CHECK(r.status == 1);
    CHECK(r.output.find("aec: error: " + bad + ": not a valid aec checkpoint: " + message) != std::string::npos);
  }
}

} // namespace

TEST_CASE("a per-sample param whose rows times numel overflows to the number of floats it holds is refused") {
  // 2^62 rows of 4 floats: 2^64 wraps to 0, the number of floats given.
  check_refused(
      "rows 2^62",
      [](Checkpoint &c) {
        aec::runtime::StoredParam &z = c.params.at("z");
        z.rows = int64_t(1) << 62;
        z.values.clear();
      },
      "param z has 4611686018427387904 rows, but the data had 64");
}

TEST_CASE("params, the mean and the training state that contradict the rest of the checkpoint are refused") {
  check_refused(
      "short rows", [](Checkpoint &c) { c.params.at("z").values.resize(10); }, "param z holds 10 floats, not 64 rows of 4");
  check_refused(
      "shared param with rows", [](Checkpoint &c) { c.params.at("B").rows = 3; }, "param B has 3 rows, but a shared param has 1");
  check_refused(
      "negative numel", [](Checkpoint &c) { c.params.at("B").numel = -4; }, "param B has -4 values per row");
  check_refused(
      "mean", [](Checkpoint &c) { c.mean.assign(3, 0.0f); }, "the training mean has 3 values for samples of width 16");
  check_refused(
      "width", [](Checkpoint &c) { c.width = 0; }, "the data width 0 is out of range");
  check_refused(
      "order", [](Checkpoint &c) { c.training->order[5] = 1000000; }, "the epoch's order names sample 1000000 of 64");
  check_refused(
      "order size", [](Checkpoint &c) { c.training->order.pop_back(); }, "the epoch's order has 63 samples, not 64");
  check_refused(
      "position", [](Checkpoint &c) { c.training->position = 65; }, "the position in the epoch is out of range");
  check_refused(
      "batch", [](Checkpoint &c) { c.training->config.batch = 0; }, "the training setting batch 0: expected a positive integer");
  check_refused(
      "optimizer", [](Checkpoint &c) { c.training->config.optimizer = "lbfgs"; },
      "the training setting optimizer lbfgs: expected sgd, momentum or adam");
  check_refused(
      "held out", [](Checkpoint &c) { c.training->held_out = {70}; }, "the held-out samples are not increasing indices below 64");
  check_refused(
      "best", [](Checkpoint &c) { c.training->best_params["B"] = {1.0f}; }, "the best epoch's values of B do not match its param");
  check_refused(
      "best statistics", [](Checkpoint &c) { c.training->best_batch_means["batch_mean.1"] = {1.0f}; },
      "the best epoch's average of batch_mean.1 does not match the last epoch's");
}

TEST_CASE("a checkpoint path that is not a file is refused at once") {
  aec::test::TempDir t;
  const std::string program = aec::test::example_path("relu_ae");
  Run dev = run_aec("run " + program + " --load /dev/zero --data 'synthetic:lowrank?n=8&d=784' --output recon");
  CHECK(dev.status == 1);
  CHECK(dev.output == "aec: error: /dev/zero: is a device or a socket, not a file, not a checkpoint\n");
  Run dir = run_aec("train " + program + " --data 'synthetic:lowrank?n=8&d=784' --resume " + t.dir.string());
  CHECK(dir.status == 1);
  CHECK(dir.output.find(t.dir.string() + ": is a directory, not a file, not a checkpoint") != std::string::npos);
  Run check = run_aec("check " + t.dir.string());
  CHECK(check.status == 1);
  CHECK(check.output == "aec: error: " + t.dir.string() + ": is a directory, not a file\n");
}
