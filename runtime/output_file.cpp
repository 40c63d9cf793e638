#include "runtime/output_file.h"
#include "source/diagnostics.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

namespace aec::runtime {

namespace {

bool ends_with(const std::string &s, const std::string &suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Entry k of sample s in C order (row by row): a per-sample matrix is stored column-major, an
// image [c, h, w] row-major already.
float at(const OutputValues &v, int64_t s, int64_t k) {
  int64_t stored = k;
  if (v.shape.rank == 2) stored = k / v.shape.cols() + k % v.shape.cols() * v.shape.rows();
  return v.values[size_t(s * v.shape.numel() + stored)];
}

std::string npy_bytes(const OutputValues &v) {
  std::vector<int64_t> dims;
  if (v.per_sample) dims.push_back(v.n);
  for (int i = 0; i < v.shape.rank; ++i) dims.push_back(v.shape.d[i]);
  std::string shape = "(";
  for (size_t i = 0; i < dims.size(); ++i) shape += (i ? ", " : "") + std::to_string(dims[i]);
  shape += dims.size() == 1 ? ",)" : ")";
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
  // magic (6) + version (2) + header length (2) + header, padded with spaces to 64 bytes, then \n
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::string out = "\x93NUMPY";
  out += '\x01';
  out += '\x00';
  uint16_t len = static_cast<uint16_t>(header.size());
  out.append(reinterpret_cast<const char *>(&len), 2);
  out += header;
  out.reserve(out.size() + v.values.size() * sizeof(float));
  for (int64_t s = 0; s < v.n; ++s)
    for (int64_t k = 0; k < v.shape.numel(); ++k) {
      float x = at(v, s, k);
      out.append(reinterpret_cast<const char *>(&x), sizeof x);
    }
  return out;
}

} // namespace

void write_csv(std::ostream &out, const OutputValues &v) {
  char buf[32];
  for (int64_t s = 0; s < v.n; ++s) {
    std::string line;
    for (int64_t k = 0; k < v.shape.numel(); ++k) {
      std::snprintf(buf, sizeof buf, "%.9g", at(v, s, k));
      if (!line.empty()) line += ',';
      line += buf;
    }
    out << line << '\n';
  }
}

void write_output(const std::string &path, const OutputValues &v) {
  std::string bytes;
  if (ends_with(path, ".npy")) {
    bytes = npy_bytes(v);
  } else if (ends_with(path, ".csv")) {
    std::ostringstream os;
    write_csv(os, v);
    bytes = os.str();
  } else {
    throw InputError(path + ": the output format is chosen by the extension: .npy or .csv");
  }
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) throw InputError(path + ": cannot write the file (" + std::strerror(errno) + ")");
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    f.flush();
    if (!f) {
      std::remove(tmp.c_str());
      throw InputError(path + ": cannot write the file (disk full?)");
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw InputError(path + ": cannot write the file (" + std::strerror(errno) + ")");
  }
}

} // namespace aec::runtime
