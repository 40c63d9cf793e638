// Several inputs bound by name, class-id sources read as one-hot vectors, and fine-tuning: --init
// from another program's checkpoint, --freeze / train freeze=.
#include "cli_run.h"
#include "support/npy_text.h"
#include "support/temp_dir.h"
#include "support/test_support.h"

#include <doctest/doctest.h>

#include <cstring>
#include <fstream>
#include <sstream>

using aec::test::npy_bytes;
using aec::test::Run;
using aec::test::run_aec;

namespace {

// 60 samples of 4 features whose class (0, 1 or 2) is the largest of the first three.
struct Files {
  std::string x, labels_npy, labels_csv, bad_label, bad_idx_label, short_labels;
};
Files write_data(const aec::test::TempDir &t) {
  std::vector<float> x;
  std::vector<int64_t> y;
  std::string csv;
  for (int i = 0; i < 60; ++i) {
    float f[4] = {float((i * 7) % 11), float((i * 5) % 13), float((i * 3) % 7), 1.0f};
    int cls = f[0] >= f[1] && f[0] >= f[2] ? 0 : f[1] >= f[2] ? 1 : 2;
    x.insert(x.end(), f, f + 4);
    y.push_back(cls);
    csv += std::to_string(cls) + "\n";
  }
  Files files;
  files.x = t.write("x.npy", npy_bytes("<f4", "(60, 4)", x));
  files.labels_npy = t.write("y.npy", npy_bytes("<i8", "(60,)", y));
  files.labels_csv = t.write("y.csv", csv);
  std::vector<int64_t> bad = y;
  bad[17] = 3;
  files.bad_label = t.write("bad.npy", npy_bytes("<i8", "(60,)", bad));
  std::string idx = {0, 0, 8, 1, 0, 0, 0, 60}; // IDX: unsigned bytes, one dimension of 60
  for (int64_t c : y) idx += char(c);
  idx[8 + 23] = char(200);
  files.bad_idx_label = t.write("bad-labels-idx1-ubyte", idx);
  files.short_labels = t.write("short.npy", npy_bytes("<i8", "(50,)", std::vector<int64_t>(y.begin(), y.begin() + 50)));
  return files;
}

const char *kClassifier = "dim D\ninput x : [D]\ninput y : [3]\n"
                          "param W : [8, D] = glorot\nparam b : [8] = zeros\nparam U : [3, 8] = glorot\n"
                          "logits = U * tanh(W * x + b)\n"
                          "minimize cross_entropy(y, logits)\n"
                          "output correct = equal(argmax(logits), argmax(y))\n"
                          "output predicted = argmax(logits)\n"
                          "train epochs=30 batch=16 lr=0.03\n";

void check_error(const Run &r, const std::string &message) {
  INFO(r.output);
  CHECK(r.status == 1);
  CHECK(r.output.find("aec: error: " + message) != std::string::npos);
}

} // namespace

TEST_CASE("two inputs bound by name train a classifier on class ids from NPY or CSV, and aec run needs only what it reads") {
  aec::test::TempDir t;
  Files f = write_data(t);
  std::string program = t.write("cls.ae", kClassifier), ckpt = (t.dir / "cls.ckpt").string();
  Run train = run_aec("train " + program + " --data x=" + f.x + " --data y=" + f.labels_npy + " --save " + ckpt + " --json");
  INFO(train.output);
  REQUIRE(train.status == 0);
  CHECK(train.output.find("as one-hot class ids") != std::string::npos);
  // The same ids as a one-column CSV give the same run, bit for bit.
  Run csv = run_aec("train " + program + " --data x=" + f.x + " --data y=" + f.labels_csv + " --json");
  CHECK(aec::test::json_field(aec::test::last_line(csv.output), "final_loss") ==
        aec::test::json_field(aec::test::last_line(train.output), "final_loss"));

  Run accuracy =
      run_aec("run " + program + " --load " + ckpt + " --data x=" + f.x + " --data y=" + f.labels_npy + " --output correct --json");
  INFO(accuracy.output);
  REQUIRE(accuracy.status == 0);
  CHECK(aec::test::json_field(aec::test::last_line(accuracy.output), "mean") > 0.8); // it learned

  // Predictions read only x: no labels needed.
  Run predicted =
      run_aec("run " + program + " --load " + ckpt + " --data x=" + f.x + " --output predicted --out " + (t.dir / "p.csv").string());
  INFO(predicted.output);
  CHECK(predicted.status == 0);
  check_error(run_aec("run " + program + " --load " + ckpt + " --data x=" + f.x + " --output correct"),
              "input y has no data: bind it with --data y=SOURCE");
}

TEST_CASE("binding errors name the flag, the input and the sample") {
  aec::test::TempDir t;
  Files f = write_data(t);
  std::string program = t.write("cls.ae", kClassifier);
  std::string x = " --data x=" + f.x;
  check_error(run_aec("train " + program + x), "input y has no data: bind it with --data y=SOURCE");
  check_error(run_aec("train " + program + x + " --data z=" + f.labels_npy),
              "--data z=" + f.labels_npy + ": the program has no input z (it has: x, y)");
  check_error(run_aec("train " + program + " --data " + f.x), "--data " + f.x + " names no input, but the program has several (x, y)");
  check_error(run_aec("train " + program + x + " --data x=" + f.x), "--data x=" + f.x + ": input x is bound twice");
  check_error(run_aec("train " + program + x + " --data y=" + f.short_labels),
              "--data y=" + f.short_labels + ": 50 samples, but --data x=" + f.x + " has 60");
  check_error(run_aec("train " + program + x + " --data y=" + f.bad_label),
              "--data y=" + f.bad_label + ": sample 17 holds 3, not a class id of input y : [3] (an integer in [0, 3))");
  check_error(run_aec("train " + program + x + " --data y=" + f.bad_idx_label), // the byte, not the pixel scale
              "--data y=" + f.bad_idx_label + ": sample 23 holds 200, not a class id of input y : [3] (an integer in [0, 3))");
  Run wide = run_aec("train " + program + x + " --data y=" + f.x); // located at the declaration
  CHECK(wide.status == 1);
  CHECK(wide.output.find("cls.ae:3:12: error: the data's samples have 4 values, but input y is declared [3]") != std::string::npos);
}

TEST_CASE("--init starts the params of the same name and shape from another program's checkpoint, --freeze keeps them") {
  aec::test::TempDir t;
  Files f = write_data(t);
  // An autoencoder with the classifier's encoder (W, b) and a param of another shape (U).
  std::string ae = t.write("ae.ae", "dim D\ninput x : [D]\nparam W : [8, D] = glorot\nparam b : [8] = zeros\nparam U : [D, 8] = glorot\n"
                                    "minimize ||x - U * tanh(W * x + b)||^2\ntrain epochs=2\n");
  std::string ae_ckpt = (t.dir / "ae.ckpt").string(), cls_ckpt = (t.dir / "cls.ckpt").string();
  REQUIRE(run_aec("train " + ae + " --data " + f.x + " --save " + ae_ckpt).status == 0);
  std::string program = t.write("cls.ae", kClassifier);
  Run r = run_aec("train " + program + " --data x=" + f.x + " --data y=" + f.labels_npy + " --init " + ae_ckpt +
                  " --freeze W --epochs 2 --save " + cls_ckpt);
  INFO(r.output);
  REQUIRE(r.status == 0);
  CHECK(r.output.find("--init " + ae_ckpt + ": W, b start from it; U from their initializers") != std::string::npos);
  // W is frozen at the autoencoder's value; b was trained on.
  REQUIRE(run_aec("params " + ae_ckpt + " --out " + (t.dir / "ae").string()).status == 0);
  REQUIRE(run_aec("params " + cls_ckpt + " --out " + (t.dir / "cls").string()).status == 0);
  auto bytes = [&](const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream os;
    os << in.rdbuf();
    return os.str();
  };
  CHECK(bytes((t.dir / "ae" / "W.npy").string()) == bytes((t.dir / "cls" / "W.npy").string()));
  CHECK(bytes((t.dir / "ae" / "b.npy").string()) != bytes((t.dir / "cls" / "b.npy").string()));

  check_error(run_aec("train " + program + " --data x=" + f.x + " --data y=" + f.labels_npy + " --freeze Q"),
              "--freeze Q: the program has no param Q");
  check_error(
      run_aec("train " + program + " --data x=" + f.x + " --data y=" + f.labels_npy + " --init " + ae_ckpt + " --resume " + cls_ckpt),
      "--init starts a new run");
}
