// Writing a named output of `aec run`: one row per sample, as NPY (float32, C order; a matrix
// output gives shape (n, rows, cols)) or CSV (one line per sample, a matrix flattened row by
// row). Files are written atomically (a temporary file, then rename): never half-written.
#pragma once
#include "ir/graph.h"

#include <ostream>
#include <string>
#include <vector>

namespace aec::runtime {

// A scalar output over the samples (a test accuracy is the mean of an equal(...) output).
struct ScalarSummary {
  std::string name;
  double mean = 0, min = 0, max = 0;
};

struct OutputValues {
  int64_t n = 0;
  ir::Shape shape;                    // per sample
  std::vector<float> values;          // n * numel, sample after sample, each column-major
  bool per_sample = true;             // false: one value (n = 1, a shared param), written without the sample axis
  std::vector<ScalarSummary> scalars; // aec run: every scalar output it could compute alongside, in program order
};

// By the extension of `path`: .npy or .csv; anything else is an InputError.
void write_output(const std::string &path, const OutputValues &v);
void write_csv(std::ostream &out, const OutputValues &v);

} // namespace aec::runtime
