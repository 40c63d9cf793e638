#include "runtime/dataset.h"
#include "runtime/data_files.h"
#include "runtime/synthetic.h"
#include "source/diagnostics.h"
#include "support/files.h"

#include <sys/stat.h>
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <memory>

namespace aec::runtime {

namespace {

bool file_exists(const std::string &p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

} // namespace

std::vector<unsigned char> read_file_bytes(const std::string &path) {
  if (std::string why = unreadable_file_reason(path); !why.empty()) throw InputError(path + ": " + why);
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
  // gzread returns what it could of a gzip stream cut short; zlib says so only here.
  int err = 0;
  const char *why = gzerror(f.get(), &err);
  if (err == Z_BUF_ERROR)
    throw InputError(path + ": truncated: the gzip stream ends early (after " + std::to_string(out.size()) + " bytes)");
  if (err != Z_OK) throw InputError(path + ": the compressed file is corrupt (" + why + ")");
  return out;
}

void check_finite(const Dataset &d, const std::string &path) {
  for (size_t i = 0; i < d.values.size(); ++i)
    if (!std::isfinite(d.values[i]))
      throw InputError(path + ": sample " + std::to_string(int64_t(i) / d.width) + ", column " + std::to_string(int64_t(i) % d.width + 1) +
                       " is " + (std::isnan(d.values[i]) ? "NaN" : "infinite or beyond float range") +
                       "; clean the data or drop the sample");
}

std::string default_data_spec() {
  return file_exists(std::string(kFashionMnistDir) + "/train-images-idx3-ubyte.gz") ? "fashion-mnist" : "synthetic:lowrank";
}

Dataset load_dataset(const std::string &spec) {
  if (spec == "fashion-mnist" || spec == "fashion-mnist:train" || spec == "fashion-mnist:test" || spec == "fashion-mnist:labels" ||
      spec == "fashion-mnist:test-labels") {
    const char *name = spec == "fashion-mnist:test"          ? "/t10k-images-idx3-ubyte.gz"
                       : spec == "fashion-mnist:labels"      ? "/train-labels-idx1-ubyte.gz"
                       : spec == "fashion-mnist:test-labels" ? "/t10k-labels-idx1-ubyte.gz"
                                                             : "/train-images-idx3-ubyte.gz";
    std::string file = std::string(kFashionMnistDir) + name;
    if (!file_exists(file))
      throw InputError(spec + ": Fashion-MNIST is not installed (" + file +
                       " is missing); run tools/setup.sh or use --data synthetic:lowrank");
    Dataset d = load_idx(file);
    d.description = spec + " (" + std::to_string(d.n) + " samples of width " + std::to_string(d.width) + ")";
    return d;
  }
  if (spec.rfind("synthetic:", 0) == 0) return synthetic_dataset(spec);
  auto ends_with = [&](const char *suffix) {
    std::string s(suffix);
    return spec.size() >= s.size() && spec.compare(spec.size() - s.size(), s.size(), s) == 0;
  };
  if (std::string why = unreadable_file_reason(spec); why == "no such file")
    throw InputError(spec + ": no such file, and not a known source (fashion-mnist, fashion-mnist:test, fashion-mnist:labels, "
                            "fashion-mnist:test-labels, synthetic:lowrank?...)");
  else if (!why.empty()) throw InputError(spec + ": " + why);
  if (ends_with("-ubyte") || ends_with("-ubyte.gz") || ends_with(".idx") || ends_with(".idx.gz")) return load_idx(spec);
  if (ends_with(".npy") || ends_with(".npy.gz")) return load_npy(spec);
  if (ends_with(".csv") || ends_with(".csv.gz") || ends_with(".tsv") || ends_with(".txt")) return load_csv(spec);
  throw InputError(spec + ": unknown data format (expected IDX (*-ubyte, *.idx), NPY (*.npy) or CSV (*.csv), optionally gzipped)");
}

std::vector<float> center_in_place(Dataset &d) { return center_in_place(d, {"", 0, d.width}); }

std::vector<float> center_in_place(Dataset &d, const InputColumns &c) {
  std::vector<double> sum(static_cast<size_t>(c.width), 0.0);
  for (int64_t i = 0; i < d.n; ++i)
    for (int64_t j = 0; j < c.width; ++j) sum[size_t(j)] += d.values[size_t(i * d.width + c.offset + j)];
  std::vector<float> mean(sum.size());
  for (size_t j = 0; j < sum.size(); ++j) mean[j] = static_cast<float>(sum[j] / double(d.n));
  subtract_mean(d, c, mean);
  return mean;
}

void subtract_mean(Dataset &d, const InputColumns &c, const std::vector<float> &mean) {
  for (int64_t i = 0; i < d.n; ++i)
    for (int64_t j = 0; j < c.width; ++j) d.values[size_t(i * d.width + c.offset + j)] -= mean[size_t(j)];
}

Dataset columns_of(const Dataset &d, const InputColumns &c) {
  if (c.offset == 0 && c.width == d.width && d.inputs.empty()) return d;
  Dataset out;
  out.n = d.n;
  out.width = c.width;
  out.description = d.description;
  out.values.resize(size_t(d.n * c.width));
  for (int64_t i = 0; i < d.n; ++i) std::copy_n(d.sample(i) + c.offset, c.width, out.values.data() + i * c.width);
  return out;
}

} // namespace aec::runtime
