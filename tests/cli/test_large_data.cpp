// Data larger than memory: uncompressed NPY and IDX files are memory-mapped, training reads them
// in place with a bounded resident set, and gives the same bits as the same data read into memory.
#include "cli_run.h"
#include "support/npy_text.h"
#include "support/sanitizers.h"
#include "support/temp_dir.h"

#include <doctest/doctest.h>
#include <sys/resource.h>
#include <zlib.h>

#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>

using aec::test::Run;
using aec::test::run_aec;

namespace {

// A linear autoencoder: the step costs little next to reading a sample.
const char *kLinearProgram = "dim D\ndim k = 8\ninput x : [D]\nparam B : [D, k] = normal(0.01)\n"
                             "minimize ||x - B * B' * x||^2\ntrain optimizer=adam lr=1e-3 batch=256 epochs=1";

// An NPY file of `samples` rank-8 samples of width 784 (float32), written a block at a time.
void write_large_npy(const std::string &path, int64_t samples) {
  std::ofstream out(path, std::ios::binary);
  std::string header = aec::test::npy_bytes("<f4", "(" + std::to_string(samples) + ", 784)", std::string());
  out << header;
  std::mt19937 rng(7);
  std::normal_distribution<float> normal;
  std::vector<float> basis(8 * 784), block(1024 * 784);
  for (float &b : basis) b = normal(rng) * 0.1f;
  for (int64_t start = 0; start < samples; start += 1024) {
    const int64_t count = std::min<int64_t>(1024, samples - start);
    for (int64_t s = 0; s < count; ++s) {
      float code[8];
      for (float &c : code) c = normal(rng);
      for (int j = 0; j < 784; ++j) {
        float v = 0;
        for (int r = 0; r < 8; ++r) v += code[r] * basis[size_t(r * 784 + j)];
        block[size_t(s * 784 + j)] = v;
      }
    }
    out.write(reinterpret_cast<const char *>(block.data()), std::streamsize(count * 784 * 4));
  }
  REQUIRE(out.good());
}

std::string file_bytes(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_gz(const std::string &path, const std::string &bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  REQUIRE(f);
  gzwrite(f, bytes.data(), unsigned(bytes.size()));
  gzclose(f);
}

// The largest resident set of any child this test process has waited for.
int64_t children_peak_rss() {
  struct rusage u;
  getrusage(RUSAGE_CHILDREN, &u);
  return int64_t(u.ru_maxrss) * 1024;
}

} // namespace

TEST_CASE("training on an NPY file three times larger than --max-memory keeps the resident set under the bound") {
  aec::test::TempDir t;
  const int64_t bound = int64_t(192) << 20, samples = 3 * bound / (784 * 4) + 1;
  const std::string data = t.path("large.npy");
  write_large_npy(data, samples);
  const std::string program = t.write("linear.ae", std::string(kLinearProgram) + "\n");
  Run r = run_aec("train " + program + " --data " + data + " --max-memory 192M --save " + t.path("ck"));
  INFO(r.output);
  REQUIRE(r.status == 0);
  CHECK(r.output.find(std::to_string(samples) + " samples of width 784") != std::string::npos);
  const int64_t peak = children_peak_rss();
  MESSAGE("a file of " << (samples * 784 * 4 >> 20) << " MB trained with --max-memory 192M: peak resident set " << (peak >> 20) << " MB");
  if (!aec::test::kAddressSanitizer) CHECK(peak < bound); // (shadow memory counts too)
}

TEST_CASE("a mapped NPY or IDX file trains to the same bits as the same data read into memory (gzipped)") {
  aec::test::TempDir t;
  const std::string program = t.write("linear.ae", std::string(kLinearProgram) + "\n");
  const std::string centered = t.write("centered.ae", std::string(kLinearProgram) + " center=true\n");
  const std::string plain = t.path("d.npy");
  write_large_npy(plain, 700);
  write_gz(t.path("d.npy.gz"), file_bytes(plain));
  // The same samples as IDX bytes (scaled to [0, 1] as they are read).
  std::string idx = std::string("\0\0\x08\x02", 4);
  for (uint32_t v : {700u, 784u}) idx += {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
  std::mt19937 rng(3);
  for (int i = 0; i < 700 * 784; ++i) idx += char(rng() & 0xff);
  const std::string idx_plain = t.write("d-ubyte", idx);
  write_gz(t.path("d-ubyte.gz"), idx);
  for (const std::pair<std::string, std::string> &files :
       {std::pair{plain, t.path("d.npy.gz")}, std::pair{idx_plain, t.path("d-ubyte.gz")}}) {
    const std::string &mapped = files.first, &in_memory = files.second;
    CAPTURE(mapped);
    REQUIRE(run_aec("train " + program + " --data " + mapped + " --epochs 2 --save " + t.path("a.ckpt")).status == 0);
    REQUIRE(run_aec("train " + program + " --data " + in_memory + " --epochs 2 --save " + t.path("b.ckpt")).status == 0);
    CHECK(file_bytes(t.path("a.ckpt")) == file_bytes(t.path("b.ckpt")));
    // `center` subtracts the mean as a mapped sample is read, in place in memory: the same bits.
    REQUIRE(run_aec("train " + centered + " --data " + mapped + " --save " + t.path("a.ckpt")).status == 0);
    REQUIRE(run_aec("train " + centered + " --data " + in_memory + " --save " + t.path("b.ckpt")).status == 0);
    CHECK(file_bytes(t.path("a.ckpt")) == file_bytes(t.path("b.ckpt")));
  }
}

TEST_CASE("the memory plan counts a mapped file's window and data in memory whole, naming each") {
  aec::test::TempDir t;
  const std::string program = t.write("linear.ae", std::string(kLinearProgram) + "\n");
  const std::string plain = t.path("d.npy");
  write_large_npy(plain, 4000);
  write_gz(t.path("d.npy.gz"), file_bytes(plain));
  Run mapped = run_aec("train " + program + " --data " + plain + " --max-memory 2M");
  CHECK(mapped.status == 1);
  CHECK(mapped.output.find("the data file's resident pages (memory-mapped: at most this much of its 12 MB at once)") != std::string::npos);
  Run in_memory = run_aec("train " + program + " --data " + t.path("d.npy.gz") + " --max-memory 2M");
  CHECK(in_memory.status == 1);
  CHECK(in_memory.output.find("the data (4000 samples of width 784, in memory): 12 MB") != std::string::npos);
}
