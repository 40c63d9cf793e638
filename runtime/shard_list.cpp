// A data set given as a list of shard files (`--data 'shards/*.npy'`): the files the pattern
// matches, in name order, one after another. Mapped files stay mapped (each process of a run
// touches only the pages of the samples it reads); when any shard has to be read into memory
// (gzipped, CSV), all of them are.
#include "runtime/data_files.h"
#include "source/diagnostics.h"

#include <glob.h>

namespace aec::runtime {

namespace {

std::vector<std::string> matching_files(const std::string &pattern) {
  glob_t g{};
  const int status = ::glob(pattern.c_str(), GLOB_ERR, nullptr, &g);
  std::vector<std::string> files(g.gl_pathv, g.gl_pathv + (status == 0 ? g.gl_pathc : 0));
  ::globfree(&g);
  if (status == GLOB_NOMATCH || files.empty()) throw InputError(pattern + ": no file matches the pattern");
  if (status != 0) throw InputError(pattern + ": cannot list the files the pattern matches (a folder on the way is unreadable)");
  return files; // glob sorts them by name
}

} // namespace

bool is_shard_pattern(const std::string &spec) { return spec.find_first_of("*?[") != std::string::npos; }

Dataset load_shard_list(const std::string &pattern) {
  std::vector<std::string> files = matching_files(pattern);
  std::vector<Dataset> shards;
  for (const std::string &file : files) {
    shards.push_back(load_dataset(file));
    const Dataset &first = shards.front(), &d = shards.back();
    if (d.width != first.width)
      throw InputError(file + ": samples of width " + std::to_string(d.width) + ", but " + files.front() + " has width " +
                       std::to_string(first.width) + ": the shards of " + pattern + " must hold samples of one width");
    if (d.bytes_scaled != first.bytes_scaled)
      throw InputError(file + (d.bytes_scaled ? " holds unsigned bytes (read as value / 255), but " : " holds numbers, but ") +
                       files.front() + (first.bytes_scaled ? " unsigned bytes" : " numbers") + ": the shards of " + pattern +
                       " must hold one kind of value");
  }
  Dataset out;
  out.width = shards.front().width;
  out.bytes_scaled = shards.front().bytes_scaled;
  bool mappable = true; // every shard mapped, all of one element type
  for (const Dataset &d : shards) {
    out.n += d.n;
    mappable = mappable && !d.in_memory();
  }
  for (const Dataset &d : shards) mappable = mappable && d.mapped->type() == shards.front().mapped->type();
  if (mappable) {
    auto mapped = std::make_shared<MappedSamples>(out.width, shards.front().mapped->type());
    for (const Dataset &d : shards) mapped->append(*d.mapped);
    out.mapped = std::move(mapped);
  } else {
    out.values.reserve(size_t(out.n * out.width));
    for (Dataset &d : shards) {
      d.load_into_memory();
      out.values.insert(out.values.end(), d.values.begin(), d.values.end());
    }
  }
  out.description = pattern + " (" + std::to_string(files.size()) + " files, " + std::to_string(out.n) + " samples of width " +
                    std::to_string(out.width) + ")";
  return out;
}

} // namespace aec::runtime
