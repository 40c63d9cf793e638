// Data sets as the model sees them: n samples of `width` floats, sample after sample.
// Sources: IDX, NPY and CSV files (gzipped or not, see data_files.h), `fashion-mnist[:test]`,
// `synthetic:lowrank?...`. Uncompressed NPY and IDX files are memory-mapped (mapped_samples.h),
// everything else is read into memory.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace aec::runtime {

// Where an input's values lie in each sample of a Dataset bound to several inputs.
struct InputColumns {
  std::string name;
  int64_t offset = 0, width = 0;
};

class MappedSamples;
struct Dataset;

// One input's source in a Dataset of several side by side (bind_inputs), read in place.
struct SourceColumns {
  std::shared_ptr<const Dataset> data;
  int64_t classes = 0; // > 0: one class id per sample, read as a one-hot vector of this width
};

struct Dataset {
  int64_t n = 0, width = 0;
  std::vector<float> values;                   // n * width when the samples are in memory
  std::shared_ptr<const MappedSamples> mapped; // else: read in place from an uncompressed NPY or IDX file
  // or else: n * width floats read in place from memory an application owns (aec/aec.h's
  // Data::view, a NumPy array); the pointer's owner keeps them alive, and aec never writes them.
  std::shared_ptr<const float> borrowed;
  // or else: the sources of several inputs side by side, each read where it is: the columns of
  // inputs[j] are sources[j]'s samples (bind_inputs; nothing is copied).
  std::vector<SourceColumns> sources;
  // By column, subtracted from samples not its own as they are read (`center` of a mapped,
  // borrowed or side-by-side data set; one whose values are its own is centered in place).
  // Empty: nothing.
  std::vector<float> shift;
  std::string description;   // what was loaded, for the user
  bool bytes_scaled = false; // unsigned bytes divided by 255 (IDX, uint8 NPY): ids are value * 255
  // The inputs of a model bound to it (bind_inputs), side by side in each sample; empty: one input,
  // every column.
  std::vector<InputColumns> inputs;

  bool in_memory() const { return !mapped && sources.empty(); } // values or borrowed: rows() holds every sample
  bool owns_values() const { return !mapped && !borrowed && sources.empty(); }
  const float *rows() const { return borrowed ? borrowed.get() : values.data(); }
  // Columns [offset, offset + count) of sample i, into `out`.
  void read(int64_t i, int64_t offset, int64_t count, float *out) const;
  float value(int64_t i, int64_t column) const {
    float v;
    read(i, column, 1, &v);
    return v;
  }
  // Reads the samples of a data set that does not own them into `values` (for whoever needs
  // them all as its own).
  void load_into_memory();
  // Keeps the first `count` samples.
  void keep_first(int64_t count);
  // The columns of `input`; nullopt when no source is bound to it.
  std::optional<InputColumns> columns(const std::string &input, bool first) const;

private:
  void read_sources(int64_t i, int64_t offset, int64_t count, float *out) const;
};

// Sample i's class id in a source of class ids (unsigned bytes, read as value / 255, scaled back
// to the byte): a number, which bind_inputs checks is an integer in [0, c) for an input [c].
double class_id(const Dataset &ids, int64_t i);

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

} // namespace aec::runtime
