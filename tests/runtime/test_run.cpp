// Checkpoints and `aec run` through the API: a saved model evaluates held-back data, per-sample
// codes are fitted to it, and a checkpoint of another program is refused.
#include "eval/reference.h"
#include "internal.h"
#include "runtime/init.h"
#include "support/test_support.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

std::string temp_path(const std::string &name) { return (std::filesystem::temp_directory_path() / name).string(); }

const char *kLowRank = "synthetic:lowrank?n=20000&d=64&rank=8&noise=0.01";
const char *kHeldBack = "synthetic:lowrank?n=2000&d=64&rank=8&noise=0.01&sample=1";

} // namespace

TEST_CASE("factorization: codes fitted by run on held-back data are as good as projecting onto span(B)") {
  aec::Dataset train = aec::load_data(kLowRank);
  aec::LoadedProgram prog = aec::LoadedProgram::from_file(aec::test::example_path("factorization"), train.width, {{"k", "8"}});
  std::ostringstream log;
  aec::TrainResult r = aec::train(prog, train, prog.train_defaults(), log);
  REQUIRE(r.pca.size() == 1);
  CHECK(r.pca[0].max_angle_deg < 1.0);
  std::string ckpt = temp_path("aec_test_factorization.ckpt");
  aec::save_checkpoint(prog, r, train.n, ckpt);

  aec::Dataset held = aec::load_data(kHeldBack);
  aec::Dataset centered = held;
  aec::OutputValues codes = aec::run(prog, centered, ckpt, "code", {}, log);
  REQUIRE(codes.n == held.n);
  REQUIRE(codes.shape.numel() == 8);

  Eigen::Map<const Eigen::MatrixXf> Bf(r.params.at("B").data(), 64, 8);
  Eigen::MatrixXd B = Bf.cast<double>();
  Eigen::MatrixXd X(64, held.n), Z(8, held.n);
  for (int64_t s = 0; s < held.n; ++s)
    for (int64_t j = 0; j < 64; ++j) X(j, s) = held.value(s, j) - r.center_mean[size_t(j)];
  for (int64_t s = 0; s < held.n; ++s)
    for (int64_t j = 0; j < 8; ++j) Z(j, s) = codes.values[size_t(s * 8 + j)];
  double fitted = (X - B * Z).squaredNorm() / double(held.n);
  Eigen::MatrixXd projected = B * B.completeOrthogonalDecomposition().solve(X);
  double best = (X - projected).squaredNorm() / double(held.n);
  INFO("fitted " << fitted << " vs projection " << best);
  CHECK(fitted <= 1.01 * best);
  std::remove(ckpt.c_str());
}

TEST_CASE("a checkpoint round-trips and refuses a program whose params differ, and damage") {
  aec::Dataset data = aec::load_data("synthetic:lowrank?n=512&d=16&rank=4");
  aec::LoadedProgram prog = aec::LoadedProgram::from_file(aec::test::example_path("pca_tied"), data.width, {{"k", "4"}});
  aec::TrainConfig c = prog.train_defaults();
  c.epochs = 1;
  std::ostringstream log;
  aec::TrainResult r = aec::train(prog, data, c, log);
  std::string ckpt = temp_path("aec_test_pca.ckpt");
  aec::save_checkpoint(prog, r, data.n, ckpt);
  aec::Checkpoint back = aec::runtime::load_checkpoint(ckpt);
  CHECK(back.params.at("B").values == r.params.at("B"));
  CHECK(back.mean == r.center_mean);

  auto refused = [&](const aec::LoadedProgram &other, const std::string &words) {
    aec::Dataset d = data;
    try {
      aec::run(other, d, ckpt, "code", {}, log);
      FAIL("accepted");
    } catch (const aec::InputError &e) {
      std::string message = e.what();
      INFO(message);
      CHECK(message.find(words) != std::string::npos);
    }
  };
  refused(aec::LoadedProgram::from_file(aec::test::example_path("pca_tied"), data.width, {{"k", "3"}}),
          ckpt + ": param B is [16, 3] in the program, but [16, 4] in the checkpoint; dim k is 3 now, 4 in the checkpoint");
  refused(aec::LoadedProgram::from_file(aec::test::example_path("pca_untied"), data.width, {{"k", "4"}}),
          ckpt + ": the checkpoint has no param A, which the program declares (it holds: B)");

  // Damage: a flipped byte fails the checksum; a cut file is truncated; garbage is not a checkpoint.
  std::string bytes;
  {
    std::ifstream in(ckpt, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  auto write = [&](const std::string &b) { std::ofstream(ckpt, std::ios::binary | std::ios::trunc) << b; };
  auto load_fails = [&](const std::string &words) {
    try {
      aec::runtime::load_checkpoint(ckpt);
      FAIL("loaded");
    } catch (const aec::InputError &e) {
      std::string message = e.what();
      INFO(message);
      CHECK(message.find(words) != std::string::npos);
    }
  };
  std::string flipped = bytes;
  flipped[bytes.size() / 2] ^= 0x40;
  write(flipped);
  load_fails("corrupt");
  write(bytes.substr(0, bytes.size() - 9));
  load_fails("truncated");
  write("hello");
  load_fails("not an aec checkpoint");
  std::remove(ckpt.c_str());
}

TEST_CASE("run writes NPY and CSV that read back, and names the outputs a program has") {
  aec::OutputValues v;
  v.n = 2;
  v.shape = aec::ir::Shape::matrix(2, 3);
  v.values = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}; // column-major per sample
  std::string csv = temp_path("aec_test_out.csv");
  aec::runtime::write_output(csv, v);
  std::ifstream in(csv);
  std::string line;
  std::getline(in, line);
  CHECK(line == "1,3,5,2,4,6"); // row by row
  std::string npy = temp_path("aec_test_out.npy");
  aec::runtime::write_output(npy, v);
  std::ifstream f(npy, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(f)), {});
  CHECK(bytes.substr(0, 6) == "\x93NUMPY");
  CHECK(bytes.find("'shape': (2, 2, 3)") != std::string::npos);
  CHECK(bytes.size() == 128 + 12 * 4); // the header padded to a multiple of 64
  CHECK_THROWS_AS(aec::runtime::write_output(temp_path("aec_test_out.txt"), v), aec::InputError);
  std::remove(csv.c_str());
  std::remove(npy.c_str());
}

TEST_CASE("a checkpoint loads into its program after edits that keep the params: comments, outputs, hypers") {
  aec::Dataset data = aec::load_data("synthetic:lowrank?n=256&d=16&rank=4");
  const std::string text = "dim D\ndim k = 4\ninput x : [D]\nparam B : [D, k] = normal(0.01)\nhyper lambda = 0\n"
                           "minimize ||x - B * B' * x||^2 + lambda * ||B||_F^2\noutput code = B' * x\n";
  aec::LoadedProgram prog = aec::LoadedProgram::from_string("m.ae", text, data.width);
  aec::TrainConfig c = prog.train_defaults();
  c.epochs = 1;
  std::ostringstream log;
  aec::TrainResult r = aec::train(prog, data, c, log);
  std::string ckpt = temp_path("aec_test_edit.ckpt");
  aec::save_checkpoint(prog, r, data.n, ckpt);
  aec::LoadedProgram edited = aec::LoadedProgram::from_string(
      "m.ae", "# edited\n" + text + "hyper unused = 3\noutput recon = B * (B' * x)\n", data.width, {{"lambda", "0.5"}});
  aec::Dataset d = data;
  aec::OutputValues code = aec::run(edited, d, ckpt, "code", {}, log);
  aec::OutputValues recon = aec::run(edited, d, ckpt, "recon", {}, log);
  CHECK(code.n == data.n);
  CHECK(recon.values.size() == size_t(data.n * data.width));
  std::remove(ckpt.c_str());
}

TEST_CASE("noise takes its expected value outside training, in aec run and in the reference evaluator alike") {
  aec::Dataset data = aec::load_data("synthetic:lowrank?n=4&d=3&rank=1");
  aec::LoadedProgram prog = aec::LoadedProgram::from_string(
      "noise.ae",
      "dim D\ninput x : [D]\nparam W : [2, D] = zeros\nminimize ||W * x||^2\noutput o = rand(2) + bernoulli(0.3, 2) + randn(2)\n",
      data.width);
  aec::TrainConfig c = prog.train_defaults();
  c.epochs = 1;
  std::ostringstream log;
  aec::TrainResult r = aec::train(prog, data, c, log);
  std::string ckpt = temp_path("aec_test_noise.ckpt");
  aec::save_checkpoint(prog, r, data.n, ckpt);
  aec::Dataset d = data;
  aec::OutputValues o = aec::run(prog, d, ckpt, "o", {}, log);
  for (float v : o.values) CHECK(v == doctest::Approx(0.8).scale(0)); // 0.5 + 0.3 + 0
  aec::eval::Bindings<double> b;
  b.input = Eigen::MatrixXd::Zero(3, 2);
  b.params["W"] = Eigen::MatrixXd::Zero(6, 1);
  const aec::ir::Graph &g = prog.model().graph;
  Eigen::MatrixXd ref = aec::eval::evaluate(g, {g.output("out.o")}, b)[0];
  for (Eigen::Index i = 0; i < ref.size(); ++i) CHECK(ref.data()[i] == doctest::Approx(0.8).scale(0));
  std::remove(ckpt.c_str());
}

TEST_CASE("--clip scales the step to the clipping norm, and --val holds out its fraction of the samples") {
  aec::Dataset data = aec::load_data("synthetic:lowrank?n=100&d=8&rank=2");
  aec::LoadedProgram prog = aec::LoadedProgram::from_file(aec::test::example_path("pca_tied"), data.width, {{"k", "2"}});
  aec::TrainConfig c = prog.train_defaults();
  c.epochs = 1;
  c.batch = 100; // one step of sgd: B1 = B0 - lr * min(1, clip / ||g||) g
  c.optimizer = "sgd";
  c.lr = 0.1;
  c.clip = 1e-3; // far below the gradient's norm
  c.center = false;
  std::ostringstream log;
  aec::TrainResult r = aec::train(prog, data, c, log);
  std::mt19937_64 rng(c.seed); // the trainer draws the initial params first, from the seed
  std::vector<float> b0 = aec::runtime::initialize_storage(prog.model().params[0], data.n, rng);
  double step = 0;
  for (size_t i = 0; i < b0.size(); ++i) step += std::pow(double(r.params.at("B")[i]) - b0[i], 2);
  CHECK(std::sqrt(step) == doctest::Approx(c.lr * c.clip).epsilon(1e-3).scale(0));

  c.clip = 0;
  c.val = 0.25;
  aec::Dataset d = data;
  aec::TrainResult v = aec::train(prog, d, c, log);
  CHECK(v.progress.held_out.size() == 25);
  CHECK(v.progress.order.size() == 75);
}

TEST_CASE("the cosine schedule decays over exactly the run's steps, and gradcheck's error is the relative distance") {
  aec::Dataset data = aec::load_data("synthetic:lowrank?n=64&d=8&rank=2");
  aec::LoadedProgram prog = aec::LoadedProgram::from_file(aec::test::example_path("pca_tied"), data.width, {{"k", "2"}});
  aec::TrainConfig c = prog.train_defaults();
  c.epochs = 3;
  c.batch = 16; // 4 steps an epoch, 12 in all
  c.lr = 0.01;
  c.schedule.kind = aec::Schedule::Cosine;
  struct Lrs : aec::TrainObserver {
    std::vector<double> seen;
    void on_step(const aec::runtime::StepReport &s) override { seen.push_back(s.lr); }
  } lrs;
  aec::TrainOptions options;
  options.observer = &lrs;
  aec::train(prog, data, c, options);
  REQUIRE(lrs.seen.size() == 12);
  for (size_t t = 0; t < 12; ++t) CHECK(lrs.seen[t] == doctest::Approx(0.005 * (1 + std::cos(M_PI * double(t) / 12))).scale(0));

  Eigen::VectorXd num(2), sym(2);
  num << 3, 4;
  sym << 3, 4.5;
  CHECK(aec::runtime::gradient_error(num, num) == 0);
  CHECK(aec::runtime::gradient_error(sym, num) == doctest::Approx(0.1).scale(0)); // 0.5 / 5
  CHECK(aec::runtime::gradient_error(sym, Eigen::VectorXd::Zero(2)) == doctest::Approx(sym.norm()).scale(0));
}
