// How a data file stores its numbers, and decoding them to float32: IEEE floats of 4 or 8 bytes
// and integers of 1 to 8 bytes, either byte order; unsigned bytes of image formats scale to
// [0, 1] (pixel / 255). NPY and IDX files share it, whether read into memory or mapped.
#pragma once
#include <cstddef>
#include <cstdint>

namespace aec::runtime {

struct ElementType {
  size_t bytes = 4;
  bool big_endian = false;
  // 'f' float, 'b' unsigned byte scaled to [0, 1], 'i' signed or 'u' unsigned integer (class ids)
  char kind = 'f';
  bool operator==(const ElementType &) const = default;
  // Floats of any other kind are finite by construction.
  bool may_be_non_finite() const { return kind == 'f'; }
};

// `count` consecutive elements at `p` as float32.
void decode_elements(const unsigned char *p, const ElementType &t, int64_t count, float *out);

} // namespace aec::runtime
