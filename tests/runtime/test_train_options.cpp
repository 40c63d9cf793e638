// The training options' schema (support/train_options.def) against every place an option is
// written: the API struct, the `train` line, the flags and the usage text, checkpoints, and the
// optimizers the runtime can make.
#include "aec/aec.h"
#include "cli/cli_run.h"
#include "runtime/checkpoint_io.h"
#include "runtime/optimizer.h"
#include "runtime/training_progress.h"
#include "support/test_support.h"

#include <doctest/doctest.h>

using namespace aec;
namespace opts = aec::train_options;

namespace {

std::string text_of(const Schedule &s) { return to_string(s); }
std::string text_of(const std::string &s) { return s; }
template <class T> std::string text_of(const T &v) { return std::to_string(v); }

} // namespace

TEST_CASE("aec::TrainSettings has a field for every option the API takes, with the schema's default") {
  const TrainSettings api;
  const runtime::TrainConfig schema;
  int fields = 0;
#define TRAIN_OPTION(name, type, default_value, help, places)                                                                              \
  if (opts::find(#name)->where & opts::Api) {                                                                                              \
    INFO(#name);                                                                                                                           \
    CHECK(text_of(api.name) == text_of(schema.name));                                                                                      \
    ++fields;                                                                                                                              \
  }
#include "support/train_options.def"
#undef TRAIN_OPTION
  CHECK(fields == static_cast<int>(opts::names(opts::Api).size()));
}

TEST_CASE("the train line takes exactly the options the schema allows there") {
  const std::string head = "dim D = 4\ninput x : [D]\nparam W : [2, D] = glorot\nminimize ||x - W' * W * x||^2\ntrain ";
  for (const opts::Spec &spec : opts::specs()) {
    INFO(spec.name);
    runtime::TrainConfig c;
    std::string value = opts::get(c, spec.name);
    if (value == "0") value = "1"; // an optional option is written to turn it on
    if (spec.type == opts::Type::OptionalFraction) value = "0.5";
    if (spec.type == opts::Type::Names) value = "W";
    std::string program = head + spec.name + "=" + value + "\n";
    if (spec.where & opts::Line) CHECK_NOTHROW(test::load_text(program));
    else CHECK_THROWS_AS(test::load_text(program), CompileError);
  }
}

TEST_CASE("aec train --help lists every option that may be a flag, and aec train takes each") {
  test::Run help = test::run_aec("train --help");
  for (const std::string &name : opts::names(opts::Flag)) {
    INFO(name);
    CHECK(help.output.find("[--" + name + " ") != std::string::npos);
  }
  // A flag the schema does not allow is refused as unknown.
  test::Run center = test::run_aec("train " + test::example_path("pca_tied") + " --center true");
  CHECK(center.status == 1);
  CHECK(center.output.find("unknown flag --center") != std::string::npos);
}

TEST_CASE("checkpoints keep the saved options in the schema's order, byte for byte as before the schema") {
  runtime::TrainingProgress p;
  runtime::TrainConfig &c = p.config;
  c.epochs = 7;
  c.batch = 32;
  c.lr = 0.25;
  c.optimizer = "momentum";
  c.seed = 99;
  c.center = true;
  c.schedule.kind = Schedule::Step;
  c.schedule.every = 2;
  c.schedule.factor = 0.5;
  c.clip = 3;
  c.val = 0.1;
  c.patience = 4;
  runtime::Writer file;
  runtime::write_progress(file, p);
  // What the checkpoint format has always held (aec 0.1.0): the settings in this order and types.
  runtime::Writer expected;
  expected.put<int64_t>(7);
  expected.put<int64_t>(32);
  expected.put<double>(0.25);
  expected.put_string("momentum");
  expected.put<uint64_t>(99);
  expected.put<uint8_t>(1);
  expected.put_string("step:2:0.5");
  expected.put<double>(3);
  expected.put<double>(0.1);
  expected.put<int64_t>(4);
  runtime::Writer section;
  section.section("config", expected);
  CHECK(file.bytes.substr(0, section.bytes.size()) == section.bytes);

  runtime::TrainingProgress back;
  runtime::Reader r(expected.bytes, 0, expected.bytes.size(), "test.ckpt");
  runtime::read_progress_section("config", r, back);
  for (const opts::Spec &spec : opts::specs())
    if (spec.where & opts::Saved) CHECK(opts::get(back.config, spec.name) == opts::get(c, spec.name));
}

TEST_CASE("every optimizer name the options take makes an optimizer") {
  for (const std::string &name : opts::optimizer_names()) CHECK(runtime::make_optimizer(name, 0.1) != nullptr);
  CHECK_THROWS_AS(runtime::make_optimizer("lbfgs", 0.1), InputError);
}

TEST_CASE("option values: one spelling and one message per type, wherever they are written") {
  runtime::TrainConfig c;
  CHECK(opts::set(c, "epochs", "0") == "expected a positive integer");
  CHECK(opts::set(c, "epochs", "1e2") == "");
  CHECK(c.epochs == 100);
  CHECK(opts::set(c, "lr", "abc") == "expected a positive number");
  CHECK(opts::set(c, "val", "1") == "expected a fraction between 0 and 1, e.g. 0.1");
  CHECK(opts::set(c, "clip", "0") == "expected a positive number"); // written out, an option is on
  CHECK(opts::set(c, "optimizer", "lbfgs") == "expected sgd, momentum or adam");
  CHECK(opts::set(c, "center", "yes") == "expected true or false");
  CHECK(opts::set(c, "schedule", "step:2") == "");
  CHECK(to_string(c.schedule) == "step:2:0.1");
  CHECK(opts::set(c, "frobnicate", "1") == "unknown");
  c.lr = -1;
  CHECK(opts::first_problem(c, opts::Api) == "lr -1: expected a positive number");
}
