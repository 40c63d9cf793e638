#include "runtime/element_type.h"

#include <cstring>

namespace aec::runtime {

namespace {

double decode_one(const unsigned char *p, const ElementType &t) {
  unsigned char b[8];
  for (size_t i = 0; i < t.bytes; ++i) b[i] = t.big_endian ? p[t.bytes - 1 - i] : p[i];
  if (t.kind == 'i' || t.kind == 'u') { // little-endian two's complement in b
    uint64_t u = 0;
    for (size_t i = t.bytes; i-- > 0;) u = (u << 8) | b[i];
    if (t.kind == 'u') return double(u);
    if (t.bytes < 8 && (u >> (8 * t.bytes - 1))) u |= ~uint64_t(0) << (8 * t.bytes); // sign-extend
    return double(int64_t(u));
  }
  if (t.bytes == 4) {
    float f;
    std::memcpy(&f, b, 4);
    return f;
  }
  double v;
  std::memcpy(&v, b, 8);
  return v;
}

} // namespace

void decode_elements(const unsigned char *p, const ElementType &t, int64_t count, float *out) {
  if (t.kind == 'f' && t.bytes == 4 && !t.big_endian) {
    std::memcpy(out, p, size_t(count) * 4);
    return;
  }
  if (t.kind == 'b') {
    for (int64_t i = 0; i < count; ++i) out[i] = static_cast<float>(p[i]) / 255.0f;
    return;
  }
  for (int64_t i = 0; i < count; ++i) out[i] = static_cast<float>(decode_one(p + size_t(i) * t.bytes, t));
}

} // namespace aec::runtime
