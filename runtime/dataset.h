// Data sets as the model sees them: n samples of `width` floats, sample after sample.
// Sources: IDX, NPY and CSV files (gzipped or not, see data_files.h), `fashion-mnist[:test]`,
// `synthetic:lowrank?...`.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace aec::runtime {

// Where an input's values lie in each sample of a Dataset bound to several inputs.
struct InputColumns {
  std::string name;
  int64_t offset = 0, width = 0;
};

struct Dataset {
  int64_t n = 0, width = 0;
  std::vector<float> values; // n * width
  std::string description;   // what was loaded, for the user
  bool bytes_scaled = false; // unsigned bytes divided by 255 (IDX, uint8 NPY): ids are value * 255
  // The inputs of a model bound to it (bind_inputs), side by side in each sample; empty: one input,
  // every column.
  std::vector<InputColumns> inputs;
  const float *sample(int64_t i) const { return values.data() + i * width; }
  // The columns of `input`; nullopt when no source is bound to it.
  std::optional<InputColumns> columns(const std::string &input, bool first) const;
};

// Throws InputError naming the source and what is wrong.
Dataset load_dataset(const std::string &spec);

// The source used when --data is not given: fashion-mnist when installed, else synthetic.
std::string default_data_spec();

inline constexpr const char *kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

// Subtracts the per-feature mean from every sample; returns the mean.
std::vector<float> center_in_place(Dataset &d);
// The same for one input's columns (the first input's, with several: `center` and `check pca`
// speak of it).
std::vector<float> center_in_place(Dataset &d, const InputColumns &c);
// Subtracts `mean` from those columns.
void subtract_mean(Dataset &d, const InputColumns &c, const std::vector<float> &mean);
// Those columns of every sample, as a data set of their own (a copy).
Dataset columns_of(const Dataset &d, const InputColumns &c);

} // namespace aec::runtime
