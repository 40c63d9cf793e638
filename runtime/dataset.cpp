#include "runtime/dataset.h"
#include "runtime/data_files.h"
#include "runtime/mapped_samples.h"
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

FileBytes open_file_bytes(const std::string &path) {
  if (std::string why = unreadable_file_reason(path); !why.empty()) throw InputError(path + ": " + why);
  FileBytes f;
  f.mapped = std::make_shared<const MappedFile>(path);
  const bool gzipped = f.mapped->size() >= 2 && f.mapped->bytes()[0] == 0x1f && f.mapped->bytes()[1] == 0x8b;
  if (gzipped) {
    f.mapped.reset();
    f.inflated = read_file_bytes(path);
  }
  return f;
}

namespace {

void check_finite_values(const float *v, int64_t count, int64_t first_sample, int64_t width, const std::string &path) {
  for (int64_t i = 0; i < count; ++i)
    if (!std::isfinite(v[i]))
      throw InputError(path + ": sample " + std::to_string(first_sample + i / width) + ", column " + std::to_string(i % width + 1) +
                       " is " + (std::isnan(v[i]) ? "NaN" : "infinite or beyond float range") + "; clean the data or drop the sample");
}

} // namespace

void check_finite(const Dataset &d, const std::string &path) {
  for (const SourceColumns &s : d.sources) check_finite(*s.data, path);
  if (!d.sources.empty()) return;
  if (d.in_memory()) return check_finite_values(d.rows(), d.n * d.width, 0, d.width, path);
  if (!d.mapped->type().may_be_non_finite()) return;
  MappedSamples::SequentialPass pass(d.mapped.get());
  std::vector<float> sample(static_cast<size_t>(d.width));
  for (int64_t i = 0; i < d.n; ++i) {
    d.read(i, 0, d.width, sample.data());
    check_finite_values(sample.data(), d.width, i, d.width, path);
  }
}

void Dataset::read(int64_t i, int64_t offset, int64_t count, float *out) const {
  if (!sources.empty()) read_sources(i, offset, count, out);
  else if (mapped) mapped->read(i, offset, count, out);
  else std::copy_n(rows() + i * width + offset, count, out);
  if (!shift.empty())
    for (int64_t j = 0; j < count; ++j) out[j] -= shift[size_t(offset + j)];
}

void Dataset::read_sources(int64_t i, int64_t offset, int64_t count, float *out) const {
  for (size_t j = 0; j < sources.size(); ++j) { // the columns of each input that the range covers
    const InputColumns &c = inputs[j];
    const int64_t from = std::max(offset, c.offset), to = std::min(offset + count, c.offset + c.width);
    if (from >= to) continue;
    float *dst = out + (from - offset);
    if (sources[j].classes > 0) { // one-hot: the id was checked when bound
      const int64_t id = int64_t(class_id(*sources[j].data, i));
      for (int64_t col = from; col < to; ++col) dst[col - from] = col - c.offset == id ? 1.0f : 0.0f;
    } else {
      sources[j].data->read(i, from - c.offset, to - from, dst);
    }
  }
}

double class_id(const Dataset &ids, int64_t i) {
  double v = ids.value(i, 0);
  return ids.bytes_scaled ? std::round(v * 255.0) : v;
}

void Dataset::load_into_memory() {
  if (owns_values()) return;
  std::vector<float> all(static_cast<size_t>(n * width));
  for (int64_t i = 0; i < n; ++i) read(i, 0, width, all.data() + i * width);
  values = std::move(all);
  mapped.reset();
  borrowed.reset();
  sources.clear();
  shift.clear();
}

void Dataset::keep_first(int64_t count) {
  n = count;
  if (owns_values()) values.resize(static_cast<size_t>(n * width));
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
  if (is_shard_pattern(spec) && !file_exists(spec)) return load_shard_list(spec);
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
  std::vector<float> sample(static_cast<size_t>(c.width));
  MappedSamples::SequentialPass pass(d.mapped.get());
  for (int64_t i = 0; i < d.n; ++i) {
    d.read(i, c.offset, c.width, sample.data());
    for (int64_t j = 0; j < c.width; ++j) sum[size_t(j)] += sample[size_t(j)];
  }
  std::vector<float> mean(sum.size());
  for (size_t j = 0; j < sum.size(); ++j) mean[j] = static_cast<float>(sum[j] / double(d.n));
  subtract_mean(d, c, mean);
  return mean;
}

void subtract_mean(Dataset &d, const InputColumns &c, const std::vector<float> &mean) {
  if (!d.owns_values()) { // not ours to write: subtracted as the samples are read
    if (d.shift.empty()) d.shift.assign(static_cast<size_t>(d.width), 0.0f);
    for (int64_t j = 0; j < c.width; ++j) d.shift[size_t(c.offset + j)] += mean[size_t(j)];
    return;
  }
  for (int64_t i = 0; i < d.n; ++i)
    for (int64_t j = 0; j < c.width; ++j) d.values[size_t(i * d.width + c.offset + j)] -= mean[size_t(j)];
}

} // namespace aec::runtime
