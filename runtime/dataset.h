// Data sets as the model sees them: n samples of `width` floats, sample after sample.
// Sources: IDX, NPY and CSV files (gzipped or not, see data_files.h), `fashion-mnist[:test]`,
// `synthetic:lowrank?...`.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace aec::runtime {

struct Dataset {
  int64_t n = 0, width = 0;
  std::vector<float> values; // n * width
  std::string description;   // what was loaded, for the user
  const float *sample(int64_t i) const { return values.data() + i * width; }
};

// Throws InputError naming the source and what is wrong.
Dataset load_dataset(const std::string &spec);

// The source used when --data is not given: fashion-mnist when installed, else synthetic.
std::string default_data_spec();

inline constexpr const char *kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

// Subtracts the per-feature mean from every sample; returns the mean.
std::vector<float> center_in_place(Dataset &d);

} // namespace aec::runtime
