// libFuzzer target: the bytes of a data file through each reader `--data` has (IDX, NPY, CSV,
// each also gzipped when the bytes are). A refusal as an InputError is a pass; anything else
// escaping, a sanitizer report, a crash, a hang or an allocation past the RSS limit is a bug.
#include "runtime/data_files.h"
#include "source/diagnostics.h"

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>
#include <unistd.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const std::string path = "/tmp/aec-fuzz-data-" + std::to_string(getpid());
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char *>(data), std::streamsize(size));
  }
  for (auto load : {aec::runtime::load_idx, aec::runtime::load_npy, aec::runtime::load_csv}) {
    try {
      aec::runtime::Dataset d = load(path);
      aec::runtime::check_finite(d, path);
    } catch (const aec::InputError &) {}
  }
  return 0;
}
