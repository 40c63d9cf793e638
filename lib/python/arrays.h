// NumPy arrays as aec's data, and aec's outputs and params as NumPy arrays.
#pragma once
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <aec/aec.h>

#include <string>
#include <vector>

namespace aec::python {

// The samples that `source` holds for the input `input` (which messages name): along the first
// axis of an array, each sample its remaining axes flattened (a 1-D array: one number per sample,
// such as class ids). A float32 C-contiguous array is used in place, without a copy; any other
// array, or what numpy.asarray takes, is converted to float32 once (unsigned bytes as value / 255,
// as aec reads a uint8 NPY file). A str or path names a source as the command line's --data does
// (read into memory). Always a view (Data::view), so that copies of it copy no samples.
aec::Data data_from(const std::string &input, pybind11::handle source);

// `values` as an array of shape [rows] + dims, where `rows` > 0 (samples) comes first: a matrix
// [r, c] is column-major, every other shape row-major, as aec holds them. The array owns them.
pybind11::array array_of(std::vector<float> values, int64_t rows, const std::vector<int64_t> &dims);

} // namespace aec::python
