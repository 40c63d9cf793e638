// The public embedding API exactly as an application sees it: aec/aec.h (and aec/eigen.h) and
// libaec.so, nothing internal. Compile from a string or file with overrides, data from memory,
// progress and cancellation, outputs, checkpoints, diagnostics as values, and independent
// programs trained on two threads at once.
#include <aec/aec.h>
#include <aec/eigen.h>

#include <doctest/doctest.h>

#include "support/npy_text.h" // header only: NPY bytes

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

namespace {

const char *kPca = R"(dim D
dim k = 4
input x : [D]
param B : [D, k] = normal(0.01)
minimize ||x - B * B' * x||^2
output code = B' * x
output recon = B * B' * x
check pca(B)
train center=true optimizer=adam lr=3e-3 batch=128 epochs=30
)";

const std::string kLowRank = "synthetic:lowrank?n=4000&d=24&rank=4&noise=0.01";

std::string temp_file(const std::string &name) {
  return (std::filesystem::temp_directory_path() / ("aec_public_api_" + std::to_string(::getpid()) + "_" + name)).string();
}

} // namespace

TEST_CASE("compile from a string, train with progress, pass the PCA check, evaluate outputs") {
  aec::Data data = aec::Data::load(kLowRank);
  aec::Program prog = aec::Program::from_string("pca.ae", kPca, data.width);
  aec::TrainSettings s = prog.defaults();
  CHECK(s.epochs == 30);
  CHECK(s.lr == doctest::Approx(3e-3));
  CHECK(prog.outputs() == std::vector<std::string>{"code", "recon"});
  CHECK(prog.params() == std::vector<std::string>{"B"});
  int steps = 0, epochs_seen = 0;
  aec::TrainReport r = prog.train(data, s, [&](const aec::Progress &p) {
    if (p.epoch_end) ++epochs_seen;
    else ++steps;
    return true;
  });
  CHECK(epochs_seen == 30);
  CHECK(steps == 30 * ((4000 + 127) / 128));
  REQUIRE(r.pca.size() == 1);
  CHECK(r.pca[0].max_angle_deg < 1.0);
  CHECK(r.epoch_losses.size() == 30);
  CHECK(prog.param("B").size() == 24 * 4);
  aec::Output code = prog.evaluate("code", data);
  CHECK(code.samples == 4000);
  CHECK(code.rows * code.cols == 4);
  aec::Output recon = prog.evaluate("recon", data);
  // The reconstruction (around the training mean) is close to the data: a rank-4 subspace.
  double err = 0, norm = 0;
  for (size_t i = 0; i < recon.values.size(); ++i) {
    err += std::pow(recon.values[i] - data.values[i], 2);
    norm += std::pow(data.values[i], 2);
  }
  CHECK(err / norm < 0.01);
}

TEST_CASE("the program's train options, center=true included, are the defaults train() uses") {
  // Data far from the origin: only a centered run finds the principal subspace of the spread.
  aec::Data base = aec::Data::load(kLowRank);
  std::vector<float> shifted = base.values;
  for (float &v : shifted) v += 3.0f;
  aec::Data data = aec::Data::from_rows(shifted.data(), base.samples, base.width);
  aec::Program prog = aec::Program::from_string("pca.ae", kPca, data.width);
  aec::TrainSettings s = prog.defaults();
  CHECK(s.center);
  aec::TrainReport r = prog.train(data, s);
  REQUIRE(r.pca.size() == 1);
  CHECK(r.pca[0].max_angle_deg < 1.0);
}

TEST_CASE("a progress callback that returns false cancels after that step") {
  aec::Data data = aec::Data::load(kLowRank);
  aec::Program prog = aec::Program::from_string("pca.ae", kPca, data.width);
  int calls = 0;
  aec::TrainReport r = prog.train(data, prog.defaults(), [&](const aec::Progress &) { return ++calls < 5; });
  CHECK(r.cancelled);
  CHECK(calls == 5);
  CHECK(r.epochs == 0);
  CHECK(prog.param("B").size() == 24 * 4); // the params of the fifth step
}

TEST_CASE("an exception the progress callback throws reaches the application unchanged") {
  struct Mine {
    int step;
  };
  aec::Data data = aec::Data::load(kLowRank);
  aec::Program prog = aec::Program::from_string("pca.ae", kPca, data.width);
  int calls = 0;
  try {
    prog.train(data, prog.defaults(), [&](const aec::Progress &) -> bool {
      if (++calls == 3) throw Mine{calls};
      return true;
    });
    FAIL("no exception");
  } catch (const Mine &m) {
    CHECK(m.step == 3);
  }
}

TEST_CASE("a loss that becomes NaN is an aec::Error located in the program") {
  aec::Data data = aec::Data::load(kLowRank);
  aec::Program prog =
      aec::Program::from_string("nan.ae", "dim D\ninput x : [D]\nparam w : [D] = ones\nminimize sum(log(x - 100 * w))\n", data.width);
  try {
    prog.train(data, prog.defaults());
    FAIL("trained");
  } catch (const aec::Error &e) {
    CHECK(e.in_program());
    REQUIRE(!e.messages().empty());
    CHECK(e.messages()[0].line == 4);
    CHECK(std::string(e.what()).find("training stopped in epoch 1, step 1: the loss became NaN") != std::string::npos);
  }
}

TEST_CASE("data from memory and from Eigen, outputs back to Eigen") {
  Eigen::MatrixXd samples = Eigen::MatrixXd::Random(600, 12);
  aec::Data data = aec::from_eigen(samples);
  CHECK(data.samples == 600);
  CHECK(data.width == 12);
  CHECK(data.values[1] == float(samples(0, 1))); // row-major: sample after sample
  aec::Program prog = aec::Program::from_string("pca.ae", kPca, data.width, {{"k", "2"}});
  aec::TrainSettings s = prog.defaults();
  s.epochs = 2;
  prog.train(data, s);
  aec::RowMatrix code = aec::to_eigen(prog.evaluate("code", data));
  CHECK(code.rows() == 600);
  CHECK(code.cols() == 2);
  std::vector<float> raw(12 * 3, 0.5f);
  CHECK(aec::Data::from_rows(raw.data(), 3, 12).samples == 3);
  raw[13] = NAN;
  CHECK_THROWS_WITH_AS(aec::Data::from_rows(raw.data(), 3, 12), "Data::from_rows: sample 1, column 2 is not finite", aec::Error);
}

TEST_CASE("save and load: a fresh program evaluates to the same outputs") {
  aec::Data data = aec::Data::load("synthetic:lowrank?n=1000&d=16&rank=4");
  aec::Program prog = aec::Program::from_string("pca.ae", kPca, data.width);
  aec::TrainSettings s = prog.defaults();
  s.epochs = 3;
  prog.train(data, s);
  std::string path = temp_file("a.ckpt");
  prog.save(path);
  aec::Program fresh = aec::Program::from_string("pca.ae", kPca, data.width);
  CHECK_THROWS_AS(fresh.evaluate("code", data), aec::Error); // nothing trained or loaded yet
  fresh.load(path);
  CHECK(fresh.evaluate("code", data).values == prog.evaluate("code", data).values);
  aec::Program other = aec::Program::from_string("pca.ae", kPca, data.width, {{"k", "3"}});
  try {
    other.load(path);
    FAIL("a checkpoint whose param has another shape loaded");
  } catch (const aec::Error &e) {
    CHECK(!e.in_program());
    CHECK(std::string(e.what()).find(
              ": param B is [16, 3] in the program, but [16, 4] in the checkpoint; dim k is 3 now, 4 in the checkpoint") !=
          std::string::npos);
  }
  std::remove(path.c_str());
}

TEST_CASE("diagnostics as values: file, line, column, text, and the rendered form") {
  try {
    aec::Program::from_string("model.ae", "dim D\ninput x : [D]\nminimize ||x - y||^2\n", 16);
    FAIL("accepted");
  } catch (const aec::Error &e) {
    CHECK(e.in_program());
    REQUIRE(e.messages().size() == 1);
    const aec::Message &m = e.messages()[0];
    CHECK(m.file == "model.ae");
    CHECK(m.line == 3);
    CHECK(m.column == 16);
    CHECK(m.text == "unknown name 'y'");
    CHECK(std::string(e.what()) == "model.ae:3:16: error: unknown name 'y'\n    minimize ||x - y||^2\n                   ^\n");
  }
  CHECK_THROWS_AS(aec::Data::load("/no/such/file.csv"), aec::Error);
  aec::Program prog = aec::Program::from_string("pca.ae", kPca, 24);
  aec::TrainSettings bad = prog.defaults();
  bad.optimizer = "lbfgs";
  aec::Data data = aec::Data::load(kLowRank);
  CHECK_THROWS_WITH_AS(prog.train(data, bad), "TrainSettings: optimizer lbfgs: expected sgd, momentum or adam", aec::Error);
}

TEST_CASE("independent programs train on two threads at once with the results of one thread") {
  aec::Data data = aec::Data::load("synthetic:lowrank?n=3000&d=32&rank=4");
  auto train_one = [&](const std::string &k) {
    aec::Program p = aec::Program::from_file(std::string(AEC_EXAMPLES_DIR) + "/denoising.ae", data.width, {{"k", k}});
    aec::TrainSettings s = p.defaults();
    s.epochs = 3;
    p.train(data, s);
    return p.param("W");
  };
  std::vector<float> alone16 = train_one("16"), alone24 = train_one("24");
  std::vector<float> together16, together24;
  std::thread a([&] { together16 = train_one("16"); });
  std::thread b([&] { together24 = train_one("24"); });
  a.join();
  b.join();
  CHECK(together16 == alone16);
  CHECK(together24 == alone24);
}

TEST_CASE("several named inputs: a classifier trained on class ids, predictions from the features alone") {
  const char *program = "dim D\ninput x : [D]\ninput y : [3]\nparam W : [8, D] = glorot\nparam U : [3, 8] = glorot\n"
                        "logits = U * tanh(W * x)\nminimize cross_entropy(y, logits)\n"
                        "output correct = equal(argmax(logits), argmax(y))\noutput predicted = argmax(logits)\n";
  std::vector<float> x, ids;
  for (int i = 0; i < 90; ++i) {
    float f[3] = {float((i * 7) % 11), float((i * 5) % 13), float((i * 3) % 7)};
    x.insert(x.end(), f, f + 3);
    ids.push_back(f[0] >= f[1] && f[0] >= f[2] ? 0.0f : f[1] >= f[2] ? 1.0f : 2.0f);
  }
  aec::Inputs inputs = {{"x", aec::Data::from_rows(x.data(), 90, 3)}, {"y", aec::Data::from_rows(ids.data(), 90, 1)}};
  aec::Program p = aec::Program::from_string("cls.ae", program, 3); // the width of x, the first input
  aec::TrainSettings s = p.defaults();
  s.epochs = 40;
  s.batch = 16;
  s.lr = 0.03;
  s.threads = 1;
  aec::TrainReport r = p.train(inputs, s);
  CHECK(r.final_loss < r.initial_loss);
  aec::Output correct = p.evaluate("correct", inputs);
  double accuracy = 0;
  for (float c : correct.values) accuracy += c / 90;
  CHECK(accuracy > 0.8);
  aec::Output predicted = p.evaluate("predicted", aec::Inputs{{"x", inputs.at("x")}}); // labels not needed
  CHECK(predicted.samples == 90);
  // A missing input and a class id out of range are errors naming them.
  try {
    p.evaluate("correct", aec::Inputs{{"x", inputs.at("x")}});
    FAIL("accepted an output without the input it reads");
  } catch (const aec::Error &e) {
    CHECK(std::string(e.what()).find("input y has no data") != std::string::npos);
  }
  ids[5] = 7;
  try {
    p.train(aec::Inputs{{"x", inputs.at("x")}, {"y", aec::Data::from_rows(ids.data(), 90, 1)}}, s);
    FAIL("accepted a class id out of range");
  } catch (const aec::Error &e) {
    CHECK(std::string(e.what()).find("inputs[\"y\"]: sample 5 holds 7") != std::string::npos);
  }
}

TEST_CASE("a view of the application's memory trains and evaluates in place, bit for bit as a copy, and is never written") {
  aec::Data copy = aec::Data::load("synthetic:lowrank?n=800&d=16&rank=3");
  std::vector<float> mine = copy.values;
  auto owner = std::make_shared<int>(7);
  aec::Data view = aec::Data::view(mine.data(), copy.samples, copy.width, owner);
  CHECK(view.values.empty());
  CHECK(view.rows() == mine.data());
  CHECK(owner.use_count() == 2); // held by the view
  aec::Program a = aec::Program::from_string("pca.ae", kPca, copy.width), b = aec::Program::from_string("pca.ae", kPca, copy.width);
  aec::TrainSettings s = a.defaults(); // center=true: the mean is subtracted as samples are read
  s.epochs = 3;
  a.train(copy, s);
  b.train(view, s);
  CHECK(a.param("B") == b.param("B"));
  CHECK(mine == copy.values); // not centered in place
  CHECK(a.evaluate("code", copy).values == b.evaluate("code", view).values);
  // What the view sees is the memory as it is now: change it and the outputs change.
  for (float &v : mine) v *= 2;
  CHECK(b.evaluate("code", view).values != a.evaluate("code", copy).values);
  mine[17] = NAN;
  CHECK_THROWS_WITH_AS(aec::Data::view(mine.data(), copy.samples, copy.width), "Data::view: sample 1, column 2 is not finite", aec::Error);
}

TEST_CASE("a program checked without data is made for the data's widths, or for a checkpoint's, whatever it was trained with") {
  const char *program = "dim D\ndim C\ninput x : [D]\ninput y : [C]\ndim k = 4\nparam W : [k, D] = glorot\nparam U : [C, k] = glorot\n"
                        "f(x) = tanh(W * x)\nminimize ||y - U * f(x)||^2\noutput code = f(x)\noutput jacobian = df/dx\n"
                        "train epochs=2 batch=32\n";
  aec::Program checked = aec::Program::from_string("two.ae", program, std::nullopt, {{"k", "3"}});
  REQUIRE(checked.inputs().size() == 2);
  CHECK(checked.inputs()[0].name == "x");
  CHECK(checked.inputs()[1].width == 0); // from the data, not seen yet
  CHECK_THROWS_WITH_AS(checked.for_inputs({{"z", 3}}), "for_inputs: the program has no input z (it has: x, y)", aec::Error);
  aec::Program p = checked.for_inputs({{"x", 6}, {"y", 2}});
  CHECK(p.inputs()[1].width == 2);
  CHECK(p.param_shape("W").dims == std::vector<int64_t>{3, 6}); // k=3 given to the checked program
  CHECK(p.param_shape("U").dims == std::vector<int64_t>{2, 3});
  CHECK(p.param_shape("U").samples == 0);
  std::vector<float> x(64 * 6), y(64 * 2);
  for (size_t i = 0; i < x.size(); ++i) x[i] = float((i * 37) % 11) / 11;
  for (size_t i = 0; i < y.size(); ++i) y[i] = float((i * 13) % 5) / 5;
  aec::Inputs inputs = {{"x", aec::Data::from_rows(x.data(), 64, 6)}, {"y", aec::Data::from_rows(y.data(), 64, 2)}};
  p.train(inputs, p.defaults());
  aec::Output jacobian = p.evaluate("jacobian", inputs);
  CHECK(jacobian.shape == std::vector<int64_t>{3, 6});
  CHECK(p.evaluate("code", inputs).shape == std::vector<int64_t>{3});
  std::string path = temp_file("two.ckpt");
  p.save(path);
  // Without k=3 or any width: the checkpoint's.
  aec::Program loaded = aec::Program::from_string("two.ae", program).with_checkpoint(path);
  CHECK(loaded.param("W") == p.param("W"));
  CHECK(loaded.param_shape("U").dims == std::vector<int64_t>{2, 3});
  CHECK(loaded.evaluate("jacobian", inputs).values == jacobian.values);
  // A --set value given here wins, and a checkpoint it does not fit is refused.
  CHECK_THROWS_AS(aec::Program::from_string("two.ae", program, std::nullopt, {{"k", "5"}}).with_checkpoint(path), aec::Error);
  std::remove(path.c_str());
}

TEST_CASE("class ids of unsigned bytes loaded from a file bind as one-hot labels (uint8 NPY, as Fashion-MNIST's labels)") {
  std::vector<uint8_t> ids;
  std::vector<float> x;
  for (int i = 0; i < 60; ++i) {
    ids.push_back(uint8_t(i % 3));
    for (int j = 0; j < 3; ++j) x.push_back(j == i % 3 ? 1.0f : 0.0f);
  }
  std::string path = temp_file("ids.npy");
  std::ofstream(path, std::ios::binary) << aec::test::npy_bytes("|u1", "(60,)", ids);
  aec::Data labels = aec::Data::load(path);
  CHECK(labels.bytes_scaled);
  CHECK(labels.values[1] == 1.0f / 255.0f);
  aec::Program p = aec::Program::from_string("cls.ae",
                                             "dim D\ninput x : [D]\ninput y : [3]\nparam U : [3, D] = glorot\n"
                                             "minimize cross_entropy(y, U * x)\noutput correct = equal(argmax(U * x), argmax(y))\n",
                                             3);
  aec::TrainSettings s = p.defaults();
  s.epochs = 30;
  s.batch = 10;
  s.lr = 0.1;
  aec::Inputs inputs = {{"x", aec::Data::from_rows(x.data(), 60, 3)}, {"y", labels}};
  p.train(inputs, s);
  int correct = 0;
  for (float c : p.evaluate("correct", inputs).values) correct += c == 1.0f;
  CHECK(correct == 60);
  std::remove(path.c_str());
}
