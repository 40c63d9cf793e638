// Data sources bound to a program's inputs: `--data SOURCE` for a program with one input,
// `--data NAME=SOURCE` for each input of several. The sources are put side by side in one
// Dataset, each read where it is (sample i of every source belongs together, so shuffling keeps
// them together); a source of class ids (one integer per sample) bound to an input [c] is read
// as one-hot vectors of width c.
#pragma once
#include "runtime/dataset.h"
#include "sema/model.h"

#include <map>
#include <string>
#include <vector>

namespace aec::runtime {

struct DataBinding {
  std::string input; // empty: the program's only input
  std::string spec;  // the source, as load_dataset reads it
  std::string shown; // how messages name the binding; empty: as the flag
  std::string flag() const { return !shown.empty() ? shown : "--data " + (input.empty() ? spec : input + "=" + spec); }
};

// `NAME=SOURCE` binds the input NAME; anything else is a source for the only input. A source may
// contain '=' itself (synthetic:lowrank?n=5): NAME is a plain name before the first '='.
DataBinding parse_binding(const std::string &flag_value);

// Loaded sources by input name ("" for the only input), and the widths sema binds to the inputs.
struct LoadedSources {
  std::vector<DataBinding> bindings;
  std::vector<Dataset> data;                   // one per binding
  std::optional<int64_t> only_width;           // ElaborateOptions::data_width
  std::map<std::string, int64_t> input_widths; // ElaborateOptions::input_widths
};
// Loads every source; throws InputError for one bound twice.
LoadedSources load_sources(const std::vector<DataBinding> &bindings);

// One Dataset of the sources for `m`'s inputs (Dataset::inputs says where each one's columns are).
// `required`: the inputs that must have a source (training: all; aec run: those its output reads).
// Throws InputError naming the flag: an unknown input, a missing one, sources of different
// lengths, a class id that is not an integer in [0, c) (naming the sample).
Dataset bind_inputs(const Model &m, LoadedSources sources, const std::vector<std::string> &required);

// The names of `m`'s inputs that the outputs `outputs` (graph output names) read.
std::vector<std::string> inputs_read(const Model &m, const std::vector<std::string> &outputs);

} // namespace aec::runtime
