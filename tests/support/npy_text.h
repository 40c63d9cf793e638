// NPY files for tests: the bytes of an array with element type `descr` ("<f4", "<i8") and shape
// `shape` ("(60, 4)", "(60,)"), its data given as bytes or as values.
#pragma once
#include <string>
#include <vector>

namespace aec::test {

inline std::string npy_bytes(const std::string &descr, const std::string &shape, const std::string &data, bool fortran = false) {
  std::string header = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': " + shape + ", }";
  header.append((64 - (10 + header.size() + 1) % 64) % 64, ' ');
  header += '\n';
  std::string out = "\x93NUMPY\x01";
  out += '\0';
  out += char(header.size() & 0xff);
  out += char(header.size() >> 8);
  return out + header + data;
}

template <class T> std::string npy_bytes(const std::string &descr, const std::string &shape, const std::vector<T> &values) {
  return npy_bytes(descr, shape, std::string(reinterpret_cast<const char *>(values.data()), values.size() * sizeof(T)));
}

} // namespace aec::test
