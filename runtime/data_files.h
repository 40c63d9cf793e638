// Readers for the data files `--data` accepts: IDX (the MNIST family's format), NPY and CSV, each
// optionally gzipped. Samples run along the first dimension (a CSV row is a sample); unsigned
// bytes scale to [0, 1]. Every problem is an InputError naming the file and where it is wrong
// (sample, column, byte offset or line), and a value that is NaN or infinite is refused.
#pragma once
#include "runtime/dataset.h"

#include <string>
#include <vector>

namespace aec::runtime {

// The whole file, decompressed when it is gzipped (zlib passes plain files through).
std::vector<unsigned char> read_file_bytes(const std::string &path);

Dataset load_idx(const std::string &path);
Dataset load_npy(const std::string &path);
Dataset load_csv(const std::string &path);

// Throws naming the first non-finite value of `d`, read from `path`.
void check_finite(const Dataset &d, const std::string &path);

} // namespace aec::runtime
