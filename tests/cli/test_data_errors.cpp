// Bad data through the command line: each case gives its message, exit 1 and no traceback.
#include "cli_run.h"
#include "support/temp_dir.h"
#include "support/test_support.h"

#include <doctest/doctest.h>

namespace {

using aec::test::Run;
using aec::test::run_aec;

std::string u32_be(uint32_t v) { return {char(v >> 24), char(v >> 16), char(v >> 8), char(v)}; }

// An IDX file of `n` samples of `w` bytes.
std::string idx(uint32_t n, uint32_t w) {
  return std::string("\0\0\x08\x02", 4) + u32_be(n) + u32_be(w) + std::string(size_t(n) * w, '\x40');
}

Run train_on(const aec::test::TempDir &t, const std::string &data, const std::string &program = "") {
  std::string model = program.empty() ? aec::test::example_path("pca_tied") : t.write("model.ae", program);
  return run_aec("train " + model + " --set k=2 --epochs 1 --data '" + data + "'");
}

void check_error(const Run &r, const std::string &message) {
  INFO(r.output);
  CHECK(r.status == 1);
  CHECK(r.output.find("aec: error: " + message) != std::string::npos);
  CHECK(r.output.find("epoch") == std::string::npos); // nothing trained
}

} // namespace

TEST_CASE("a truncated IDX file: exit 1 naming the file, the promise and where it is cut") {
  aec::test::TempDir t;
  std::string full = idx(4, 8);
  std::string p = t.write("cut-ubyte", full.substr(0, full.size() - 3));
  check_error(train_on(t, p), p + ": truncated: the header promises 4 samples of 8 unsigned bytes (32 bytes) but only 29 follow");
}

TEST_CASE("a file with the wrong magic number: exit 1") {
  aec::test::TempDir t;
  std::string p = t.write("images-ubyte", "GIF89a" + idx(4, 8));
  check_error(train_on(t, p), p + ": not an IDX file (its magic number must start with two zero bytes, found 71 73)");
}

TEST_CASE("data of the wrong width for the program's input: exit 1 at the input's declaration") {
  aec::test::TempDir t;
  std::string p = t.write("narrow.csv", "1,2,3\n4,5,6\n");
  Run r = train_on(t, p, "dim k = 2\ninput x : [784]\nparam W : [k, 784] = glorot\nminimize ||x - W' * W * x||^2\n");
  INFO(r.output);
  CHECK(r.status == 1);
  CHECK(r.output.find("model.ae:2:12: error: the data's samples have 3 values, but input x is declared [784]") != std::string::npos);
  CHECK(r.output.find("    input x : [784]\n               ^~~") != std::string::npos);
}

TEST_CASE("a NaN in a CSV file: exit 1 at its line and column with a caret") {
  aec::test::TempDir t;
  std::string p = t.write("x.csv", "a,b,c\n0.1,0.2,0.3\n0.4,NaN,0.6\n");
  Run r = train_on(t, p);
  check_error(r, p + ":3:5: a NaN (sample 1, column 2)");
  CHECK(r.output.find("    0.4,NaN,0.6\n        ^~~") != std::string::npos);
}

TEST_CASE("empty files of every format: exit 1") {
  aec::test::TempDir t;
  for (const char *name : {"e.csv", "e.npy", "e-ubyte"}) {
    std::string p = t.write(name, "");
    check_error(train_on(t, p), p + ": the file is empty");
  }
}

TEST_CASE("the same data as CSV, NPY and IDX trains to the same loss") {
  aec::test::TempDir t;
  std::string csv = "a,b\n", npy_data, idx_data = std::string("\0\0\x08\x02", 4) + u32_be(64) + u32_be(2);
  for (int i = 0; i < 64; ++i) {
    unsigned char u = static_cast<unsigned char>(i * 3), v = static_cast<unsigned char>(255 - i * 2);
    csv += std::to_string(u / 255.0) + "," + std::to_string(v / 255.0) + "\n";
    idx_data += char(u);
    idx_data += char(v);
    npy_data += char(u);
    npy_data += char(v);
  }
  std::string header = "{'descr': '|u1', 'fortran_order': False, 'shape': (64, 2), }";
  header.append((64 - (10 + header.size() + 1) % 64) % 64, ' ');
  header += '\n';
  std::string npy = std::string("\x93NUMPY\x01\x00", 8) + char(header.size()) + '\0' + header + npy_data;
  std::vector<double> losses;
  for (const std::string &p : {t.write("d.csv", csv), t.write("d.npy", npy), t.write("d-ubyte", idx_data)}) {
    Run r = run_aec("train " + aec::test::example_path("pca_tied") + " --set k=1 --epochs 2 --batch 16 --json --data " + p);
    INFO(r.output);
    REQUIRE(r.status == 0);
    losses.push_back(aec::test::json_field(aec::test::last_line(r.output), "final_loss"));
  }
  CHECK(losses[0] == doctest::Approx(losses[1]).epsilon(1e-4)); // CSV's six decimals round the bytes slightly
  CHECK(losses[1] == losses[2]);
}
