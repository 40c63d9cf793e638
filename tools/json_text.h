// The pieces of the one-line JSON objects the commands print (--json).
#pragma once
#include <cmath>
#include <cstdio>
#include <string>

namespace aec::cli {

// A number with `digits` significant digits; null for NaN and infinities.
inline std::string json_number(double v, int digits = 9) {
  if (!std::isfinite(v)) return "null";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  return buf;
}

// A string, quoted, with quotes, backslashes and control characters escaped.
inline std::string json_string(const std::string &s) {
  std::string out = "\"";
  for (char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') out += std::string("\\") + ch;
    else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else out += ch;
  }
  return out + "\"";
}

} // namespace aec::cli
