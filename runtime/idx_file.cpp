// IDX: magic 0x0000 TT NN (TT the element type, NN the number of dimensions), NN big-endian u32
// sizes, then the elements, big-endian. Samples run along the first dimension. An uncompressed
// file is memory-mapped, a gzipped one decoded into memory.
#include "runtime/data_files.h"
#include "runtime/element_type.h"
#include "source/diagnostics.h"

#include <cstring>

namespace aec::runtime {

namespace {

uint32_t big_endian_u32(const unsigned char *p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

struct IdxType {
  const char *name;
  ElementType element; // big-endian
};

IdxType idx_type(unsigned code, const std::string &path) {
  switch (code) {
  case 0x08: return {"unsigned byte", {1, true, 'b'}};
  case 0x0D: return {"float", {4, true, 'f'}};
  case 0x0E: return {"double", {8, true, 'f'}};
  default: break;
  }
  char hex[8];
  std::snprintf(hex, sizeof hex, "0x%02X", code);
  throw InputError(path + ": IDX element type " + hex + " is not supported (unsigned byte 0x08, float 0x0D or double 0x0E)");
}

} // namespace

Dataset load_idx(const std::string &path) {
  const FileBytes file = open_file_bytes(path);
  if (file.size() == 0) throw InputError(path + ": the file is empty");
  const unsigned char *bytes = file.data();
  if (file.size() < 4 || bytes[0] != 0 || bytes[1] != 0)
    throw InputError(path + ": not an IDX file (its magic number must start with two zero bytes, found " + std::to_string(bytes[0]) +
                     (file.size() > 1 ? " " + std::to_string(bytes[1]) : "") + ")");
  IdxType type = idx_type(bytes[2], path);
  unsigned dims = bytes[3];
  if (dims < 1) throw InputError(path + ": the IDX header declares no dimensions");
  size_t header = 4 + 4 * size_t(dims);
  if (file.size() < header)
    throw InputError(path + ": truncated IDX header (" + std::to_string(dims) + " dimensions need " + std::to_string(header) +
                     " bytes, the file has " + std::to_string(file.size()) + ")");
  Dataset d;
  d.n = big_endian_u32(&bytes[4]);
  d.width = 1;
  // Sizes whose product exceeds the file's byte count are a truncated file whatever the rest
  // says; checking as they multiply also keeps the product from overflowing.
  const int64_t file_bytes = int64_t(file.size());
  auto promise_too_large = [&] {
    std::string sizes;
    for (unsigned k = 0; k < dims; ++k) sizes += (k ? " x " : "") + std::to_string(big_endian_u32(&bytes[4 + 4 * k]));
    return InputError(path + ": truncated: the header promises " + sizes + " values, more than the file's " + std::to_string(file_bytes) +
                      " bytes hold");
  };
  for (unsigned k = 1; k < dims; ++k) {
    const int64_t size = big_endian_u32(&bytes[4 + 4 * k]);
    if (size != 0 && d.width > file_bytes / size) throw promise_too_large();
    d.width *= size;
  }
  if (d.n == 0 || d.width == 0) throw InputError(path + ": the file holds no samples");
  if (d.n > file_bytes / d.width) throw promise_too_large();
  size_t count = size_t(d.n) * size_t(d.width), need = count * type.element.bytes, have = file.size() - header;
  if (have < need)
    throw InputError(path + ": truncated: the header promises " + std::to_string(d.n) + " samples of " + std::to_string(d.width) + " " +
                     type.name + "s (" + std::to_string(need) + " bytes) but only " + std::to_string(have) + " follow (sample " +
                     std::to_string(have / type.element.bytes / size_t(d.width)) + " is cut at byte offset " + std::to_string(file.size()) +
                     ")");
  if (have > need)
    throw InputError(path + ": " + std::to_string(have - need) + " bytes follow the " + std::to_string(d.n) +
                     " samples the header promises (at byte offset " + std::to_string(header + need) + ")");
  if (file.mapped) d.mapped = MappedSamples::of_file(file.mapped, header, d.n, d.width, type.element);
  else {
    d.values.resize(count);
    decode_elements(bytes + header, type.element, int64_t(count), d.values.data());
  }
  d.bytes_scaled = type.element.kind == 'b';
  check_finite(d, path);
  d.description = path + " (" + std::to_string(d.n) + " samples of width " + std::to_string(d.width) + ")";
  return d;
}

} // namespace aec::runtime
