// NPY (numpy.save): "\x93NUMPY", version, header length, a Python dict literal with 'descr',
// 'fortran_order' and 'shape', then the array. float32, float64 and uint8 (scaled to [0, 1]),
// little- or big-endian, C or Fortran order; samples run along the first axis. An uncompressed
// file in C order is memory-mapped; anything else is decoded into memory.
#include "runtime/data_files.h"
#include "runtime/element_type.h"
#include "source/diagnostics.h"

#include <cstring>
#include <regex>

namespace aec::runtime {

namespace {

struct NpyHeader {
  std::string descr;
  bool fortran_order = false;
  std::vector<int64_t> shape;
  size_t data_offset = 0;
};

std::string header_value(const std::string &dict, const std::string &key, const std::string &path) {
  std::smatch m;
  std::regex pattern("['\"]" + key + "['\"]\\s*:\\s*('[^']*'|\"[^\"]*\"|True|False|\\([^)]*\\))");
  if (!std::regex_search(dict, m, pattern)) throw InputError(path + ": malformed NPY header: no '" + key + "' in " + dict);
  return m[1].str();
}

NpyHeader parse_header(const FileBytes &file, const std::string &path) {
  const unsigned char *bytes = file.data();
  const size_t size = file.size();
  static const unsigned char magic[] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
  if (size < 10 || std::memcmp(bytes, magic, 6) != 0) throw InputError(path + ": not an NPY file (it must start with \\x93NUMPY)");
  unsigned major = bytes[6];
  size_t length_bytes = major == 1 ? 2 : major == 2 || major == 3 ? 4 : 0;
  if (!length_bytes) throw InputError(path + ": NPY format version " + std::to_string(major) + " is not supported (1, 2 or 3)");
  if (size < 8 + length_bytes) throw InputError(path + ": truncated NPY header");
  size_t length = 0;
  for (size_t i = 0; i < length_bytes; ++i) length |= size_t(bytes[8 + i]) << (8 * i);
  NpyHeader h;
  h.data_offset = 8 + length_bytes + length;
  if (size < h.data_offset)
    throw InputError(path + ": truncated NPY header (it declares " + std::to_string(length) + " bytes, the file ends at byte " +
                     std::to_string(size) + ")");
  std::string dict(bytes + 8 + length_bytes, bytes + h.data_offset);
  std::string descr = header_value(dict, "descr", path);
  h.descr = descr.substr(1, descr.size() - 2);
  h.fortran_order = header_value(dict, "fortran_order", path) == "True";
  std::string shape = header_value(dict, "shape", path);
  std::regex number("[0-9]+");
  for (std::sregex_iterator it(shape.begin(), shape.end(), number), end; it != end; ++it) {
    if (it->str().size() > 12) throw InputError(path + ": NPY shape " + shape + " is too large");
    h.shape.push_back(std::stoll(it->str()));
  }
  return h;
}

ElementType element_type(const std::string &descr, const std::string &path) {
  if (descr == "<f4" || descr == "=f4") return {4, false, 'f'};
  if (descr == ">f4") return {4, true, 'f'};
  if (descr == "<f8" || descr == "=f8") return {8, false, 'f'};
  if (descr == ">f8") return {8, true, 'f'};
  if (descr == "|u1" || descr == "<u1" || descr == ">u1" || descr == "=u1") return {1, false, 'b'};
  // Integers of 1 to 8 bytes (class ids): '<i8', '|i1', '>u4', ...
  if (descr.size() == 3 && (descr[1] == 'i' || descr[1] == 'u') &&
      (descr[2] == '1' || descr[2] == '2' || descr[2] == '4' || descr[2] == '8'))
    return {size_t(descr[2] - '0'), descr[0] == '>', descr[1]};
  throw InputError(path + ": NPY element type '" + descr +
                   "' is not supported (float32 '<f4', float64 '<f8', uint8 '|u1', or integers such as '<i8' for class ids)");
}

// Where the element at C-order position `i` sits in a Fortran-order array (first axis fastest).
size_t fortran_offset(const std::vector<int64_t> &shape, size_t i) {
  size_t offset = 0;
  for (size_t k = shape.size(); k-- > 0;) { // peel C-order indices, last axis first
    size_t index = i % size_t(shape[k]);
    i /= size_t(shape[k]);
    size_t stride = 1;
    for (size_t m = 0; m < k; ++m) stride *= size_t(shape[m]);
    offset += index * stride;
  }
  return offset;
}

} // namespace

Dataset load_npy(const std::string &path) {
  const FileBytes bytes = open_file_bytes(path);
  if (bytes.size() == 0) throw InputError(path + ": the file is empty");
  NpyHeader h = parse_header(bytes, path);
  ElementType t = element_type(h.descr, path);
  if (h.shape.empty()) throw InputError(path + ": the NPY array is a scalar (shape ()); expected one sample per row");
  Dataset d;
  d.n = h.shape[0];
  d.width = 1;
  for (size_t k = 1; k < h.shape.size(); ++k) {
    if (h.shape[k] > 0 && d.width > (int64_t(1) << 40) / h.shape[k]) throw InputError(path + ": NPY shape is too large");
    d.width *= h.shape[k];
  }
  if (d.n == 0 || d.width == 0) throw InputError(path + ": the file holds no samples");
  if (d.n > (int64_t(1) << 40) / d.width) throw InputError(path + ": NPY shape is too large");
  size_t count = size_t(d.n) * size_t(d.width), need = count * t.bytes, have = bytes.size() - h.data_offset;
  if (have < need)
    throw InputError(path + ": truncated: the header promises " + std::to_string(d.n) + " samples of width " + std::to_string(d.width) +
                     " (" + std::to_string(need) + " bytes) but only " + std::to_string(have) + " follow (sample " +
                     std::to_string(have / t.bytes / size_t(d.width)) + " is cut at byte offset " + std::to_string(bytes.size()) + ")");
  if (have > need)
    throw InputError(path + ": " + std::to_string(have - need) + " bytes follow the array the header describes (at byte offset " +
                     std::to_string(h.data_offset + need) + ")");
  const unsigned char *p = bytes.data() + h.data_offset;
  if (bytes.mapped && !h.fortran_order) { // samples lie one after another: read in place
    d.mapped = MappedSamples::of_file(bytes.mapped, h.data_offset, d.n, d.width, t);
  } else {
    d.values.resize(count);
    if (!h.fortran_order) decode_elements(p, t, int64_t(count), d.values.data());
    else
      for (size_t i = 0; i < count; ++i) decode_elements(p + fortran_offset(h.shape, i) * t.bytes, t, 1, &d.values[i]);
  }
  d.bytes_scaled = t.kind == 'b';
  check_finite(d, path);
  d.description = path + " (" + std::to_string(d.n) + " samples of width " + std::to_string(d.width) + ")";
  return d;
}

} // namespace aec::runtime
