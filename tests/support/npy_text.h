// NPY files for tests: the bytes of an array of `values` with element type `descr` ("<f4",
// "<i8") and shape `shape` ("(60, 4)", "(60,)").
#pragma once
#include <string>
#include <vector>

namespace aec::test {

template <class T> std::string npy_bytes(const std::string &descr, const std::string &shape, const std::vector<T> &values) {
  std::string header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
  header.append(63 - (10 + header.size()) % 64, ' ');
  header += '\n';
  std::string out = std::string("\x93NUMPY\x01\x00", 8) + char(header.size() & 0xff) + char(header.size() >> 8) + header;
  out.append(reinterpret_cast<const char *>(values.data()), values.size() * sizeof(T));
  return out;
}

} // namespace aec::test
