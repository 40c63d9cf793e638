// The internal facade the command line uses (lib/src/internal.h): load a program, train, save and
// load a checkpoint, evaluate outputs. The public API, aec/aec.h alone: tests/api/test_public_api.cpp.
#include "internal.h"

#include <doctest/doctest.h>
#include <sstream>

namespace {

const char *kPca = R"(dim D
dim k = 4
input x : [D]
param B : [D, k] = normal(0.01)
minimize ||x - B * B' * x||^2
check pca(B)
train center=true optimizer=adam lr=3e-3 batch=128 epochs=30
)";

} // namespace

TEST_CASE("a program compiled from a string trains and passes its PCA check") {
  aec::Dataset data = aec::load_data("synthetic:lowrank?n=4000&d=24&rank=4&noise=0.01");
  aec::LoadedProgram prog = aec::LoadedProgram::from_string("pca.ae", kPca, data.width);
  aec::TrainConfig config = prog.train_defaults();
  CHECK(config.epochs == 30);
  CHECK(config.center);
  std::ostringstream log;
  aec::TrainResult r = aec::train(prog, data, config, log);
  REQUIRE(r.pca.size() == 1);
  CHECK(r.pca[0].max_angle_deg < 1.0);
  CHECK(r.params.at("B").size() == 24 * 4);
  CHECK(r.epoch_losses.size() == 30);
  CHECK(r.epoch_losses.back() < r.epoch_losses.front());
  CHECK(log.str().find("epoch  30/30") != std::string::npos);
}

TEST_CASE("overrides set dims, and data bound from memory works like a file") {
  aec::Dataset data;
  data.n = 512;
  data.width = 8;
  data.values.resize(512 * 8);
  for (size_t i = 0; i < data.values.size(); ++i) data.values[i] = float((i * 7919) % 101) / 101.0f;
  aec::LoadedProgram prog = aec::LoadedProgram::from_string("pca.ae", kPca, data.width, {{"k", "2"}});
  aec::TrainConfig config = prog.train_defaults();
  config.epochs = 2;
  std::ostringstream log;
  aec::TrainResult r = aec::train(prog, data, config, log);
  CHECK(r.params.at("B").size() == 8 * 2);
  CHECK(std::isfinite(r.final_loss));
}

TEST_CASE("a diagnostic renders itself against the source it came from") {
  try {
    aec::LoadedProgram::from_string("model.ae", "dim D\ninput x : [D]\nminimize ||x - y||^2\n", 16);
    FAIL("accepted");
  } catch (const aec::CompileError &e) {
    REQUIRE(e.diagnostics().size() == 1);
    CHECK(e.diagnostics()[0].span.line == 3);
    CHECK(e.render() == "model.ae:3:16: error: unknown name 'y'\n    minimize ||x - y||^2\n                   ^\n");
  }
  try {
    aec::LoadedProgram::from_string("syntax.ae", "dim D\ninput x : [D\n", 16);
    FAIL("accepted");
  } catch (const aec::CompileError &e) {
    CHECK(
        e.render() ==
        "syntax.ae:2:13: error: syntax error: unexpected end of file; expected ']' or end of line\n    input x : [D\n                ^\n");
  }
}

TEST_CASE("data of the wrong width is an InputError that names both widths") {
  aec::LoadedProgram prog = aec::LoadedProgram::from_string("pca.ae", kPca, 24);
  aec::Dataset data = aec::load_data("synthetic:lowrank?n=100&d=10&rank=2");
  try {
    std::ostringstream log;
    aec::train(prog, data, prog.train_defaults(), log);
    FAIL("accepted");
  } catch (const aec::InputError &e) {
    CHECK(std::string(e.what()).find("width 10") != std::string::npos);
    CHECK(std::string(e.what()).find("width 24") != std::string::npos);
  }
}

TEST_CASE("gradcheck through the API") {
  aec::Dataset data = aec::load_data("synthetic:lowrank?n=64&d=12&rank=3");
  aec::LoadedProgram prog = aec::LoadedProgram::from_string("pca.ae", kPca, data.width);
  for (const auto &entry : aec::gradcheck(prog, data, 8, 16)) {
    INFO(entry.param);
    CHECK(entry.relative_error < 1e-6);
  }
}
