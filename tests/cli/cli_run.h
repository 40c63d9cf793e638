// Running the built `aec` binary as a user would, for the command-line tests.
#pragma once
#include <doctest/doctest.h>

#include <array>
#include <cstdio>
#include <regex>
#include <string>
#include <sys/wait.h>

namespace aec::test {

struct Run {
  int status;         // the exit status, -1 when killed by a signal
  std::string output; // stdout and stderr
};

inline Run run_aec(const std::string &args) {
  std::string cmd = std::string(AEC_BINARY) + " " + args + " 2>&1";
  FILE *p = popen(cmd.c_str(), "r");
  REQUIRE(p);
  std::string out;
  std::array<char, 4096> buf;
  while (size_t n = fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  int st = pclose(p);
  return {WIFEXITED(st) ? WEXITSTATUS(st) : -1, out};
}

inline std::string last_line(const std::string &s) {
  auto end = s.find_last_not_of('\n');
  auto start = s.rfind('\n', end);
  return s.substr(start == std::string::npos ? 0 : start + 1, end - (start == std::string::npos ? 0 : start + 1) + 1);
}

inline double json_field(const std::string &json, const std::string &key) {
  std::smatch m;
  REQUIRE(std::regex_search(json, m, std::regex("\"" + key + "\": ([-0-9.eE+]+)")));
  return std::stod(m[1]);
}

} // namespace aec::test
