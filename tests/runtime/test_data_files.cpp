// The data readers: IDX, NPY and CSV (plain and gzipped) load the same samples, and every broken
// file is an InputError that names the file and the place (sample, column, line, byte offset).
#include "runtime/data_files.h"
#include "source/diagnostics.h"
#include "support/npy_text.h"
#include "support/temp_dir.h"

#include <doctest/doctest.h>
#include <zlib.h>

#include <cstring>
#include <filesystem>
#include <fstream>

namespace {

using aec::InputError;
using aec::runtime::Dataset;
using aec::runtime::load_dataset;

// The shared TempDir, plus gzipped files.
struct TempDir : aec::test::TempDir {
  std::string write_gz(const std::string &name, const std::string &bytes) const {
    gzFile f = gzopen(path(name).c_str(), "wb");
    gzwrite(f, bytes.data(), unsigned(bytes.size()));
    gzclose(f);
    return path(name);
  }
};

std::string u32_be(uint32_t v) { return {char(v >> 24), char(v >> 16), char(v >> 8), char(v)}; }

// An IDX file of n samples of 2x3 bytes: sample s, element j holds 10 s + j.
std::string idx_bytes(uint32_t n) {
  std::string b = std::string("\0\0\x08\x03", 4) + u32_be(n) + u32_be(2) + u32_be(3);
  for (uint32_t s = 0; s < n; ++s)
    for (int j = 0; j < 6; ++j) b += char(10 * s + j);
  return b;
}

using aec::test::npy_bytes;

template <class T> std::string raw(std::initializer_list<T> values) {
  std::string s;
  for (T v : values) s.append(reinterpret_cast<const char *>(&v), sizeof v);
  return s;
}

std::string error_of(const std::string &spec) {
  try {
    load_dataset(spec);
  } catch (const InputError &e) {
    return e.what();
  }
  return "(no error)";
}

} // namespace

TEST_CASE("IDX: plain and gzipped files give the same samples, bytes scaled to [0, 1]") {
  TempDir t;
  for (const std::string &p : {t.write("a-ubyte", idx_bytes(3)), t.write_gz("a-ubyte.gz", idx_bytes(3))}) {
    Dataset d = load_dataset(p);
    CHECK(d.n == 3);
    CHECK(d.width == 6);
    CHECK(d.value(2, 5) == doctest::Approx(25 / 255.0));
  }
}

TEST_CASE("IDX: broken files name the file and what is wrong") {
  TempDir t;
  std::string full = idx_bytes(3);
  CHECK(error_of(t.write("cut-ubyte", full.substr(0, full.size() - 4))) ==
        t.write("cut-ubyte", full.substr(0, full.size() - 4)) + ": truncated: the header promises 3 samples of 6 unsigned bytes (18 bytes) "
                                                                "but only 14 follow (sample 2 is cut at byte offset 30)");
  CHECK(error_of(t.write("magic-ubyte", "\x01\x02" + full.substr(2)))
            .find("magic-ubyte: not an IDX file (its magic number must start with two zero bytes, found 1 2)") != std::string::npos);
  CHECK(error_of(t.write("type-ubyte", std::string("\0\0\x0b\x01", 4) + u32_be(1) + "ab")).find("IDX element type 0x0B is not supported") !=
        std::string::npos);
  CHECK(error_of(t.write("empty-ubyte", "")).find("empty-ubyte: the file is empty") != std::string::npos);
  CHECK(error_of(t.write("header-ubyte", std::string("\0\0\x08\x03", 4) + u32_be(1)))
            .find("truncated IDX header (3 dimensions need 16 bytes, the file has 8)") != std::string::npos);
  CHECK(error_of(t.write("long-ubyte", full + "xy")).find("2 bytes follow the 3 samples the header promises (at byte offset 34)") !=
        std::string::npos);
  std::string gz = t.write_gz("cut-ubyte.gz", full);
  std::string bytes;
  {
    std::ifstream in(gz, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  CHECK(error_of(t.write("cut2-ubyte.gz", bytes.substr(0, bytes.size() - 6))).find("truncated: the gzip stream ends early") !=
        std::string::npos);
  CHECK(error_of(t.dir.string() + "/missing-ubyte").find("missing-ubyte: no such file") != std::string::npos);
}

TEST_CASE("NPY: float32, float64 and uint8, C and Fortran order, gzipped") {
  TempDir t;
  Dataset f4 = load_dataset(t.write("f4.npy", npy_bytes("<f4", "(2, 3)", raw<float>({1, 2, 3, 4, 5, 6}))));
  CHECK(f4.n == 2);
  CHECK(f4.width == 3);
  CHECK(f4.value(1, 0) == 4.0f);
  Dataset f8 = load_dataset(t.write_gz("f8.npy.gz", npy_bytes("<f8", "(2, 3)", raw<double>({1, 2, 3, 4, 5, 6.5}))));
  CHECK(f8.value(1, 2) == 6.5f);
  Dataset u1 = load_dataset(t.write("u1.npy", npy_bytes("|u1", "(1, 2, 2)", std::string("\x00\xff\x33\x66", 4))));
  CHECK(u1.width == 4);
  CHECK(u1.value(0, 1) == 1.0f);
  CHECK(u1.value(0, 2) == doctest::Approx(0.2));
  // Fortran order: the first axis fastest, so the bytes 1..6 of a (2, 3) array are columns.
  Dataset fo = load_dataset(t.write("fo.npy", npy_bytes("<f4", "(2, 3)", raw<float>({1, 4, 2, 5, 3, 6}), true)));
  CHECK(fo.value(0, 1) == 2.0f);
  CHECK(fo.value(1, 2) == 6.0f);
  // A one-dimensional array is n samples of width 1.
  CHECK(load_dataset(t.write("v.npy", npy_bytes("<f4", "(3,)", raw<float>({1, 2, 3})))).width == 1);
}

TEST_CASE("NPY: broken files name the file and what is wrong") {
  TempDir t;
  CHECK(error_of(t.write("cut.npy", npy_bytes("<f4", "(2, 3)", raw<float>({1, 2, 3, 4}))))
            .find("truncated: the header promises 2 samples of width 3 (24 bytes) but only 16 follow (sample 1 is cut") !=
        std::string::npos);
  CHECK(error_of(t.write("c8.npy", npy_bytes("<c8", "(1, 1)", raw<int64_t>({1})))).find("NPY element type '<c8' is not supported") !=
        std::string::npos);
  // Integers are read as they are (class ids), signed or not, in either byte order.
  Dataset ids = load_dataset(t.write("i8.npy", npy_bytes("<i8", "(3,)", raw<int64_t>({7, -2, 0}))));
  CHECK((ids.value(0, 0) == 7 && ids.value(1, 0) == -2 && ids.value(2, 0) == 0));
  CHECK_FALSE(ids.bytes_scaled);
  CHECK(error_of(t.write("nan.npy", npy_bytes("<f4", "(2, 2)", raw<float>({1, 2, 3, NAN})))).find("nan.npy: sample 1, column 2 is NaN") !=
        std::string::npos);
  CHECK(error_of(t.write("big.npy", npy_bytes("<f8", "(1, 1)", raw<double>({1e300}))))
            .find("sample 0, column 1 is infinite or beyond float range") != std::string::npos);
  CHECK(error_of(t.write("magic.npy", "PK\x03\x04 not numpy at all")).find("magic.npy: not an NPY file") != std::string::npos);
  CHECK(error_of(t.write("noshape.npy", npy_bytes("<f4", "(0, 3)", ""))).find("the file holds no samples") != std::string::npos);
  CHECK(error_of(t.write("empty.npy", "")).find("empty.npy: the file is empty") != std::string::npos);
}

TEST_CASE("CSV: a header is detected, any common separator, blank lines skipped") {
  TempDir t;
  Dataset plain = load_dataset(t.write("a.csv", "1,2,3\n4, 5 ,6e0\n\n"));
  CHECK(plain.n == 2);
  CHECK(plain.width == 3);
  CHECK(plain.value(1, 1) == 5.0f);
  Dataset header = load_dataset(t.write("h.csv", "x1,x2\r\n0.5,-1\r\n"));
  CHECK(header.n == 1);
  CHECK(header.value(0, 1) == -1.0f);
  CHECK(load_dataset(t.write("t.tsv", "1\t2\n3\t4\n")).width == 2);
  CHECK(load_dataset(t.write("s.txt", "1 2  3\n4 5 6\n")).width == 3);
  CHECK(load_dataset(t.write_gz("g.csv.gz", "1,2\n3,4\n")).n == 2);
}

TEST_CASE("CSV: errors point at line:col with the line and a caret") {
  TempDir t;
  std::string p = t.write("nan.csv", "a,b,c\n1,2,3\n4,nan,6\n");
  CHECK(error_of(p) == p + ":3:3: a NaN (sample 1, column 2)\n    4,nan,6\n      ^~~");
  p = t.write("word.csv", "1,2\n3,x7\n");
  CHECK(error_of(p) == p + ":2:3: 'x7' is not a number (column 2)\n    3,x7\n      ^~");
  p = t.write("short.csv", "1,2,3\n4,5\n");
  CHECK(error_of(p) == p + ":2:4: expected 3 values in this row (as in the first row), found 2\n    4,5\n       ^");
  CHECK(error_of(t.write("inf.csv", "1e39,1\n")).find(":1:1: a value beyond float range (sample 0, column 1)") != std::string::npos);
  CHECK(error_of(t.write("gap.csv", "1,,2\n")).find(":1:3: an empty field (column 2)") != std::string::npos);
  CHECK(error_of(t.write("empty.csv", "")).find("empty.csv: the file is empty") != std::string::npos);
  CHECK(error_of(t.write("only.csv", "a,b\n")).find("only.csv: the file holds no samples (only a header)") != std::string::npos);
  CHECK(error_of(t.write("x.parquet", "PAR1")).find("unknown data format") != std::string::npos);
}

TEST_CASE("IDX sizes whose product overflows are a truncated file, not undefined behavior (found by fuzz_data)") {
  TempDir t;
  // The fuzzer's input: floats in 6 dimensions (2 x 1056972032 x 37683200 x ...): the product of the
  // sizes overflowed int64 (UBSan: signed integer overflow in load_idx).
  const unsigned char crash[] = {0x00, 0x00, 0x0d, 0x06, 0x00, 0x00, 0x00, 0x02, 0x3f, 0x00, 0x1d, 0x00, 0x02, 0x3f, 0x00,
                                 0x00, 0x00, 0x3f, 0x80, 0x00, 0x00, 0x3f, 0xc0, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00};
  std::string p = t.write("crash.idx", std::string(reinterpret_cast<const char *>(crash), sizeof crash));
  const std::string expected =
      p +
      ": truncated: the header promises 2 x 1056972032 x 37683200 x 4161536 x 4177920 x 4194304 values, more than the file's 29 bytes hold";
  CHECK_THROWS_WITH_AS(aec::runtime::load_idx(p), doctest::Contains(expected.c_str()), InputError);
  // Each size fits, their product does not: 65536 samples of 65536 x 65536 bytes in a 20-byte file.
  std::string big = t.write("big-ubyte", std::string("\0\0\x08\x03", 4) + u32_be(65536) + u32_be(65536) + u32_be(65536));
  CHECK_THROWS_WITH_AS(load_dataset(big),
                       (big + ": truncated: the header promises 65536 x 65536 x 65536 values, more than the file's 16 bytes hold").c_str(),
                       InputError);
}

TEST_CASE("a list of shard files is their samples one after another: mapped, or in memory when one is gzipped") {
  TempDir t;
  std::filesystem::create_directory(t.path("s"));
  t.write("s/a.npy", npy_bytes("<f4", "(2, 3)", raw<float>({1, 2, 3, 4, 5, 6})));
  t.write("s/b.npy", npy_bytes("<f4", "(1, 3)", raw<float>({7, 8, 9})));
  Dataset mapped = load_dataset(t.path("s/*.npy"));
  CHECK_FALSE(mapped.in_memory());
  CHECK(mapped.n == 3);
  CHECK(mapped.description == t.path("s/*.npy") + " (2 files, 3 samples of width 3)");
  CHECK((mapped.value(0, 0) == 1 && mapped.value(1, 2) == 6 && mapped.value(2, 0) == 7 && mapped.value(2, 2) == 9));
  t.write_gz("s/c.npy.gz", npy_bytes("<f4", "(1, 3)", raw<float>({10, 11, 12})));
  Dataset mixed = load_dataset(t.path("s/*"));
  CHECK(mixed.in_memory());
  CHECK(mixed.values == std::vector<float>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
  CHECK(error_of(t.path("none/*.npy")).find("none/*.npy: no file matches the pattern") != std::string::npos);
  t.write("s/d.npy", npy_bytes("<f4", "(1, 2)", raw<float>({1, 2})));
  CHECK(error_of(t.path("s/*.npy")).find("d.npy: samples of width 2, but " + t.path("s/a.npy") + " has width 3") != std::string::npos);
  std::filesystem::remove(t.path("s/d.npy"));
  t.write("s/e.npy", npy_bytes("|u1", "(1, 3)", std::string("\x01\x02\x03", 3)));
  CHECK(error_of(t.path("s/*.npy")).find("e.npy holds unsigned bytes (read as value / 255), but") != std::string::npos);
}
