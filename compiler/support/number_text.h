// The shortest text that reads back as the same double (graph text, option values).
#pragma once
#include <charconv>
#include <string>

namespace aec {

inline std::string shortest_text(double v) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

} // namespace aec
