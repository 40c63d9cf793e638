#include "runtime/dataset.h"
#include "runtime/synthetic.h"
#include "support/diagnostics.h"

#include <sys/stat.h>
#include <zlib.h>

#include <memory>

namespace aec::runtime {

namespace {

bool file_exists(const std::string &p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// Reads a whole file through zlib, which passes uncompressed files through unchanged.
std::vector<unsigned char> read_maybe_gzipped(const std::string &path) {
  if (!file_exists(path)) throw InputError(path + ": no such file");
  std::unique_ptr<gzFile_s, int (*)(gzFile)> f(gzopen(path.c_str(), "rb"), gzclose);
  if (!f) throw InputError(path + ": cannot open the file");
  std::vector<unsigned char> out;
  unsigned char buf[1 << 16];
  for (;;) {
    int got = gzread(f.get(), buf, sizeof buf);
    if (got < 0) {
      int err = 0;
      throw InputError(path + ": the file is corrupt (" + gzerror(f.get(), &err) + ")");
    }
    if (got == 0) break;
    out.insert(out.end(), buf, buf + got);
  }
  return out;
}

uint32_t big_endian(const unsigned char *p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

} // namespace

// IDX: magic 0x0000 TT NN (TT the element type, NN the number of dimensions), NN big-endian
// sizes, then the elements. Samples run along the first dimension; uint8 scales to [0, 1].
Dataset load_idx(const std::string &path) {
  std::vector<unsigned char> bytes = read_maybe_gzipped(path);
  if (bytes.size() < 4 || bytes[0] != 0 || bytes[1] != 0)
    throw InputError(path + ": not an IDX file (the first two bytes of the magic number must be zero)");
  unsigned type = bytes[2], dims = bytes[3];
  if (type != 0x08) throw InputError(path + ": IDX element type 0x" + std::to_string(type) + " is not supported (only unsigned bytes, 0x08)");
  if (dims < 1) throw InputError(path + ": IDX file with no dimensions");
  if (bytes.size() < 4 + 4 * size_t(dims)) throw InputError(path + ": truncated IDX header");
  Dataset d;
  d.n = big_endian(&bytes[4]);
  d.width = 1;
  for (unsigned k = 1; k < dims; ++k) d.width *= big_endian(&bytes[4 + 4 * k]);
  size_t header = 4 + 4 * size_t(dims), need = size_t(d.n) * size_t(d.width);
  if (bytes.size() - header < need)
    throw InputError(path + ": truncated: the header promises " + std::to_string(d.n) + " samples of " + std::to_string(d.width) +
                     " bytes (" + std::to_string(need) + " bytes) but only " + std::to_string(bytes.size() - header) + " follow");
  if (d.n == 0) throw InputError(path + ": the file holds no samples");
  d.values.resize(need);
  for (size_t i = 0; i < need; ++i) d.values[i] = static_cast<float>(bytes[header + i]) / 255.0f;
  d.description = path + " (" + std::to_string(d.n) + " samples of width " + std::to_string(d.width) + ")";
  return d;
}

std::string default_data_spec() {
  return file_exists(std::string(kFashionMnistDir) + "/train-images-idx3-ubyte.gz") ? "fashion-mnist" : "synthetic:lowrank";
}

Dataset load_dataset(const std::string &spec) {
  if (spec == "fashion-mnist" || spec == "fashion-mnist:train" || spec == "fashion-mnist:test") {
    std::string file = std::string(kFashionMnistDir) + (spec == "fashion-mnist:test" ? "/t10k-images-idx3-ubyte.gz" : "/train-images-idx3-ubyte.gz");
    if (!file_exists(file))
      throw InputError(spec + ": Fashion-MNIST is not installed (" + file + " is missing); run tools/setup.sh or use --data synthetic:lowrank");
    Dataset d = load_idx(file);
    d.description = spec + " (" + std::to_string(d.n) + " samples of width " + std::to_string(d.width) + ")";
    return d;
  }
  if (spec.rfind("synthetic:", 0) == 0) return synthetic_dataset(spec);
  auto ends_with = [&](const char *suffix) {
    std::string s(suffix);
    return spec.size() >= s.size() && spec.compare(spec.size() - s.size(), s.size(), s) == 0;
  };
  if (ends_with("-ubyte") || ends_with("-ubyte.gz") || ends_with(".idx") || ends_with(".idx.gz")) return load_idx(spec);
  if (!file_exists(spec)) throw InputError(spec + ": no such file, and not a known source (fashion-mnist, fashion-mnist:test, synthetic:lowrank?...)");
  throw InputError(spec + ": unknown data format (expected an IDX file, *-ubyte or *.idx, optionally gzipped)");
}

std::vector<float> center_in_place(Dataset &d) {
  std::vector<double> sum(static_cast<size_t>(d.width), 0.0);
  for (int64_t i = 0; i < d.n; ++i)
    for (int64_t j = 0; j < d.width; ++j) sum[size_t(j)] += d.values[size_t(i * d.width + j)];
  std::vector<float> mean(sum.size());
  for (size_t j = 0; j < sum.size(); ++j) mean[j] = static_cast<float>(sum[j] / double(d.n));
  for (int64_t i = 0; i < d.n; ++i)
    for (int64_t j = 0; j < d.width; ++j) d.values[size_t(i * d.width + j)] -= mean[size_t(j)];
  return mean;
}

} // namespace aec::runtime
