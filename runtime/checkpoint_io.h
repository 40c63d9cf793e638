// The byte layer of checkpoints: little-endian values, strings and arrays written into sections,
// read back with every read bounds-checked (a damaged file is an InputError naming the offset).
#pragma once
#include "source/diagnostics.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace aec::runtime {

inline uint64_t fnv1a(const std::string &bytes) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// Appends little-endian values to a byte string (the machines aec runs on are little-endian).
class Writer {
public:
  std::string bytes;
  template <class T> void put(T v) { bytes.append(reinterpret_cast<const char *>(&v), sizeof v); }
  void put_string(const std::string &s) {
    put<uint64_t>(s.size());
    bytes += s;
  }
  template <class T> void put_array(const std::vector<T> &v) {
    put<uint64_t>(v.size());
    bytes.append(reinterpret_cast<const char *>(v.data()), v.size() * sizeof(T));
  }
  void put_floats(const std::vector<float> &v) { put_array(v); }
  void section(const std::string &tag, const Writer &payload) {
    put<uint32_t>(static_cast<uint32_t>(tag.size()));
    bytes += tag;
    put<uint64_t>(payload.bytes.size());
    bytes += payload.bytes;
  }
};

// Reads what Writer wrote; every read is bounds-checked and names the file and offset on failure.
class Reader {
public:
  Reader(const std::string &bytes, size_t begin, size_t end, const std::string &path) : b_(bytes), pos_(begin), end_(end), path_(path) {}
  template <class T> T get() {
    need(sizeof(T));
    T v;
    std::memcpy(&v, b_.data() + pos_, sizeof v);
    pos_ += sizeof v;
    return v;
  }
  std::string get_string() {
    uint64_t n = get<uint64_t>();
    need(n);
    std::string s = b_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  template <class T> std::vector<T> get_array() {
    uint64_t n = get<uint64_t>();
    if (n > (end_ - pos_) / sizeof(T)) fail("an array runs past its section");
    std::vector<T> v(n);
    if (n) std::memcpy(v.data(), b_.data() + pos_, n * sizeof(T));
    pos_ += n * sizeof(T);
    return v;
  }
  std::vector<float> get_floats() { return get_array<float>(); }
  void skip(uint64_t n) {
    need(n);
    pos_ += n;
  }
  size_t pos() const { return pos_; }
  bool done() const { return pos_ == end_; }
  [[noreturn]] void fail(const std::string &what) const {
    throw InputError(path_ + ": not a valid aec checkpoint: " + what + " (at byte " + std::to_string(pos_) + ")");
  }

private:
  void need(uint64_t n) const {
    if (n > end_ - pos_) fail("the file ends early (truncated?)");
  }
  const std::string &b_;
  size_t pos_, end_;
  const std::string &path_;
};

} // namespace aec::runtime
