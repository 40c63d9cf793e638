// libFuzzer target: the bytes of a data file through each reader `--data` has (IDX, NPY, CSV,
// each also gzipped when the bytes are), and what the readers accept of one value per sample also
// as class ids of an input [10] (one-hot vectors; ids that are not integers in [0, 10) refused).
// A refusal as an InputError is a pass; anything else escaping, a sanitizer report, a crash, a
// hang or an allocation past the RSS limit is a bug.
#include "runtime/data_files.h"
#include "runtime/input_binding.h"
#include "source/diagnostics.h"

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>
#include <unistd.h>

namespace {

// A program's input y : [10], bound to the file as `--data y=FILE`.
void bind_as_class_ids(aec::runtime::Dataset d, const std::string &path) {
  aec::Model m;
  m.inputs.push_back({"y", 10, "", {}});
  aec::runtime::LoadedSources sources;
  sources.bindings.push_back({"y", path, ""});
  sources.data.push_back(std::move(d));
  aec::runtime::bind_inputs(m, std::move(sources), {"y"});
}

} // namespace

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
      if (d.width == 1) bind_as_class_ids(std::move(d), path);
    } catch (const aec::InputError &) {}
  }
  return 0;
}
