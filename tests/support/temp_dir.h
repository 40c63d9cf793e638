// A fresh directory under the system's temp directory for one test, removed when it ends.
#pragma once
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace aec::test {

struct TempDir {
  std::filesystem::path dir;
  TempDir() {
    std::random_device rd;
    dir = std::filesystem::temp_directory_path() / ("aec_test_" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(dir);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;
  std::string path(const std::string &name) const { return (dir / name).string(); }
  // Writes `bytes` to the file `name` in the directory; returns its path.
  std::string write(const std::string &name, const std::string &bytes) const {
    std::ofstream(path(name), std::ios::binary) << bytes;
    return path(name);
  }
};

} // namespace aec::test
