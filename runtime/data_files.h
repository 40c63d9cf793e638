// Readers for the data files `--data` accepts: IDX (the MNIST family's format), NPY and CSV, each
// optionally gzipped (uncompressed NPY and IDX files are memory-mapped). Samples run along the first dimension (a CSV row is a sample);
// unsigned bytes scale to [0, 1]. Every problem is an InputError naming the file and where it is wrong (sample, column, byte offset or
// line), and a value that is NaN or infinite is refused.
#pragma once
#include "runtime/dataset.h"
#include "runtime/mapped_samples.h"

#include <memory>
#include <string>
#include <vector>

namespace aec::runtime {

// The whole file, decompressed when it is gzipped (zlib passes plain files through).
std::vector<unsigned char> read_file_bytes(const std::string &path);

// A data file's bytes: mapped when the file is not gzipped, else decompressed into memory.
struct FileBytes {
  std::shared_ptr<const MappedFile> mapped;
  std::vector<unsigned char> inflated;
  const unsigned char *data() const { return mapped ? mapped->bytes() : inflated.data(); }
  size_t size() const { return mapped ? mapped->size() : inflated.size(); }
};
FileBytes open_file_bytes(const std::string &path);

Dataset load_idx(const std::string &path);
Dataset load_npy(const std::string &path);
Dataset load_csv(const std::string &path);

// A list of shard files: the files a pattern with *, ? or [...] matches, in name order, as one
// data set (runtime/shard_list.cpp).
bool is_shard_pattern(const std::string &spec);
Dataset load_shard_list(const std::string &pattern);

// Throws naming the first non-finite value of `d`, read from `path` (a mapped file's samples are
// read through once, within the resident window).
void check_finite(const Dataset &d, const std::string &path);

} // namespace aec::runtime
