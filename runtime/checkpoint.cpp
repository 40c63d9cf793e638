#include "runtime/checkpoint.h"
#include "ir/limits.h"
#include "runtime/checkpoint_io.h"
#include "source/diagnostics.h"
#include "support/files.h"

#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace aec::runtime {

namespace {

constexpr char kMagic[8] = {'A', 'E', 'C', 'C', 'K', 'P', 'T', '\0'};
constexpr uint32_t kVersion = 1;
// More samples than any machine's memory holds: a count beyond it is damage, not data.
constexpr int64_t kMaxSamples = int64_t(1) << 40;

// The "shapes" section: kept for the params read so far (it follows them), checked by inconsistency().
void read_shapes(Reader &s, Checkpoint &c) {
  uint64_t count = s.get<uint64_t>();
  for (uint64_t i = 0; i < count; ++i) {
    std::string name = s.get_string();
    // rank, then its sizes: two for ranks 0 to 2 (rows and columns, 1 where absent), else one each
    ir::Shape shape;
    int64_t rank = s.get<int64_t>();
    if (rank < 0 || rank > ir::Shape::kMaxRank) s.fail("param " + name + " has the shape rank " + std::to_string(rank));
    shape.rank = int(rank);
    std::string sizes;
    for (int64_t i = 0; i < std::max<int64_t>(rank, 2); ++i) {
      shape.d[i] = s.get<int64_t>();
      sizes += (i ? " x " : "") + std::to_string(shape.d[i]);
    }
    bool valid = true;
    for (int64_t i = 0; i < std::max<int64_t>(rank, 2); ++i)
      valid &= shape.d[i] >= 1 && shape.d[i] <= ir::kMaxSize && (i < rank || shape.d[i] == 1);
    if (!valid) s.fail("param " + name + " has the shape rank " + std::to_string(rank) + ", " + sizes);
    auto it = c.params.find(name);
    if (it == c.params.end()) s.fail("the shapes section names param " + name + ", which the checkpoint does not hold");
    it->second.shape = shape;
  }
  count = s.get<uint64_t>();
  for (uint64_t i = 0; i < count; ++i) {
    std::string name = s.get_string();
    c.dims[name] = s.get<int64_t>();
  }
}

// What in `c` contradicts the rest of it, or "". Every size and index that later code trusts is
// checked here, before any of it is used, without arithmetic that could overflow: a checkpoint
// is a file people download and share, and its checksum is no defence (anyone can recompute it).
std::string inconsistency(const Checkpoint &c) {
  if (c.width < 1 || c.width > ir::kMaxSize) return "the data width " + std::to_string(c.width) + " is out of range";
  if (c.samples < 0 || c.samples > kMaxSamples) return "the sample count " + std::to_string(c.samples) + " is out of range";
  if (!c.mean.empty() && int64_t(c.mean.size()) != c.width)
    return "the training mean has " + std::to_string(c.mean.size()) + " values for samples of width " + std::to_string(c.width);
  for (const auto &[name, p] : c.params) {
    const int64_t rows = p.per_sample ? c.samples : 1;
    if (p.rows != rows)
      return "param " + name + " has " + std::to_string(p.rows) + " rows, but " + (p.per_sample ? "the data had " : "a shared param has ") +
             std::to_string(rows);
    if (p.numel < 0 || p.numel > ir::kMaxValueElements) return "param " + name + " has " + std::to_string(p.numel) + " values per row";
    if (p.shape && p.shape->numel() != p.numel)
      return "param " + name + "'s shape does not hold its " + std::to_string(p.numel) + " values per row";
    // rows x numel, compared without multiplying: values.size() is what the file really holds.
    const uint64_t held = p.values.size(), numel = uint64_t(p.numel);
    if (numel == 0 ? held != 0 : held % numel != 0 || held / numel != uint64_t(rows))
      return "param " + name + " holds " + std::to_string(held) + " floats, not " + std::to_string(rows) + " rows of " +
             std::to_string(p.numel);
  }
  if (c.training) {
    std::map<std::string, size_t> sizes;
    for (const auto &[name, p] : c.params) sizes[name] = p.values.size();
    return progress_inconsistency(*c.training, c.samples, sizes);
  }
  return "";
}

} // namespace

std::string serialize_checkpoint(const Checkpoint &c) {
  Writer w;
  w.bytes.append(kMagic, sizeof kMagic);
  w.put<uint32_t>(kVersion);
  Writer program;
  program.put_string(c.program_name);
  program.put_string(c.program_text);
  program.put<uint64_t>(c.overrides.size());
  for (auto &[k, v] : c.overrides) {
    program.put_string(k);
    program.put_string(v);
  }
  w.section("program", program);
  Writer data;
  data.put<int64_t>(c.width);
  data.put<int64_t>(c.samples);
  w.section("data", data);
  if (!c.mean.empty()) {
    Writer mean;
    mean.put_floats(c.mean);
    w.section("mean", mean);
  }
  for (auto &[name, p] : c.params) {
    Writer param;
    param.put_string(name);
    param.put<uint8_t>(p.per_sample ? 1 : 0);
    param.put<int64_t>(p.rows);
    param.put<int64_t>(p.numel);
    param.put_floats(p.values);
    w.section("param", param);
  }
  Writer shapes;
  shapes.put<uint64_t>(c.params.size());
  for (auto &[name, p] : c.params) {
    const ir::Shape shape = p.shape.value_or(ir::Shape::vector(p.numel));
    shapes.put_string(name);
    shapes.put<int64_t>(shape.rank);
    for (int i = 0; i < std::max(shape.rank, 2); ++i) shapes.put<int64_t>(shape.d[i]);
  }
  shapes.put<uint64_t>(c.dims.size());
  for (auto &[name, size] : c.dims) {
    shapes.put_string(name);
    shapes.put<int64_t>(size);
  }
  w.section("shapes", shapes);
  if (c.training) write_progress(w, *c.training);
  return seal_checkpoint(std::move(w.bytes));
}

std::string seal_checkpoint(std::string bytes) {
  Writer w;
  w.bytes = std::move(bytes);
  Writer end;
  end.put<uint64_t>(fnv1a(w.bytes));
  w.section("end", end);
  return w.bytes;
}

Checkpoint make_checkpoint(const Model &m, int64_t samples, const std::vector<float> &mean,
                           const std::map<std::string, std::vector<float>> &params) {
  Checkpoint c;
  c.program_name = m.source ? m.source->name : "";
  c.program_text = m.source ? m.source->text : "";
  c.overrides = m.overrides;
  c.width = m.first_input().width;
  c.samples = samples;
  c.mean = mean;
  for (const ParamInfo &p : m.params) {
    StoredParam s;
    s.per_sample = p.per_sample;
    s.numel = p.shape.numel();
    s.rows = p.per_sample ? samples : 1;
    s.values = params.at(p.name);
    s.shape = p.shape;
    c.params[p.name] = std::move(s);
  }
  for (const auto &[name, size] : m.dims) c.dims[name] = size;
  return c;
}

void save_checkpoint(const std::string &path, const Checkpoint &c) {
  const std::string bytes = serialize_checkpoint(c);
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) throw InputError(path + ": cannot write the checkpoint (" + std::strerror(errno) + ")");
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      throw InputError(path + ": cannot write the checkpoint (" + std::strerror(err) + ")");
    }
    done += static_cast<size_t>(n);
  }
  bool synced = ::fsync(fd) == 0;
  bool closed = ::close(fd) == 0;
  if (!synced || !closed || std::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    throw InputError(path + ": cannot write the checkpoint (" + std::strerror(err) + ")");
  }
  // The rename itself survives a power cut only once the directory is on disk too.
  std::string dir = path.find('/') == std::string::npos ? "." : path.substr(0, path.rfind('/') + 1);
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

Checkpoint load_checkpoint(const std::string &path) {
  if (std::string why = unreadable_file_reason(path); why == "no such file") throw InputError(path + ": cannot open the checkpoint");
  else if (!why.empty()) throw InputError(path + ": " + why + ", not a checkpoint");
  return parse_checkpoint(read_whole_file(path), path);
}

Checkpoint parse_checkpoint(const std::string &bytes, const std::string &path) {
  if (bytes.size() < sizeof kMagic || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
    throw InputError(path + ": not an aec checkpoint (it does not start with AECCKPT)");
  // The end section (tag length, "end", payload length, hash) closes the file; checking it first
  // tells truncation and corruption apart from a malformed layout.
  const size_t end_size = 4 + 3 + 8 + 8;
  if (bytes.size() < sizeof kMagic + 4 + end_size || bytes.compare(bytes.size() - end_size + 4, 3, "end") != 0)
    throw InputError(path + ": not a valid aec checkpoint: the end marker is missing (the file was truncated)");
  uint64_t stored_hash;
  std::memcpy(&stored_hash, bytes.data() + bytes.size() - 8, 8);
  if (stored_hash != fnv1a(bytes.substr(0, bytes.size() - end_size)))
    throw InputError(path + ": not a valid aec checkpoint: the checksum does not match (the file is corrupt)");
  Reader r(bytes, sizeof kMagic, bytes.size() - end_size, path);
  uint32_t version = r.get<uint32_t>();
  if (version != kVersion)
    throw InputError(path + ": checkpoint version " + std::to_string(version) + ", but this aec reads version " + std::to_string(kVersion));
  Checkpoint c;
  bool has_program = false;
  while (!r.done()) {
    uint32_t tag_len = r.get<uint32_t>();
    if (tag_len > 64) r.fail("a section tag is " + std::to_string(tag_len) + " bytes long");
    std::string tag;
    for (uint32_t i = 0; i < tag_len; ++i) tag += static_cast<char>(r.get<uint8_t>());
    uint64_t len = r.get<uint64_t>();
    if (len > bytes.size() - r.pos()) r.fail("section '" + tag + "' runs past the end of the file (truncated?)");
    Reader s(bytes, r.pos(), r.pos() + len, path);
    if (tag == "program") {
      c.program_name = s.get_string();
      c.program_text = s.get_string();
      uint64_t n = s.get<uint64_t>();
      for (uint64_t i = 0; i < n; ++i) {
        std::string k = s.get_string();
        c.overrides[k] = s.get_string();
      }
      has_program = true;
    } else if (tag == "data") {
      c.width = s.get<int64_t>();
      c.samples = s.get<int64_t>();
    } else if (tag == "mean") {
      c.mean = s.get_floats();
    } else if (tag == "param") {
      std::string name = s.get_string();
      StoredParam p;
      p.per_sample = s.get<uint8_t>() != 0;
      p.rows = s.get<int64_t>();
      p.numel = s.get<int64_t>();
      p.values = s.get_floats();
      c.params[name] = std::move(p);
    } else if (tag == "shapes") {
      read_shapes(s, c);
    } else if (is_progress_section(tag)) {
      if (!c.training) c.training.emplace();
      read_progress_section(tag, s, *c.training);
    }
    // any other tag: a section of a later version, skipped
    r.skip(len);
  }
  if (!has_program) r.fail("the program section is missing");
  if (std::string wrong = inconsistency(c); !wrong.empty()) throw InputError(path + ": not a valid aec checkpoint: " + wrong);
  return c;
}

const TrainingProgress &training_state(const Checkpoint &c, const std::string &path) {
  if (!c.training)
    throw InputError(
        path + ": the checkpoint holds no training state (it was written by an earlier aec): it can be loaded by `aec run`, not resumed");
  return *c.training;
}

namespace {

// "; dim k is 64 now, 32 in the checkpoint", for every dim whose size changed.
std::string changed_dims(const Checkpoint &c, const Model &m) {
  std::string out;
  for (const auto &[name, size] : m.dims)
    if (auto it = c.dims.find(name); it != c.dims.end() && it->second != size)
      out += (out.empty() ? "; dim " : ", dim ") + name + " is " + std::to_string(size) + " now, " + std::to_string(it->second) +
             " in the checkpoint";
  return out;
}

std::string param_names(const Checkpoint &c) {
  std::string out;
  for (const auto &[name, p] : c.params) out += (out.empty() ? "" : ", ") + name;
  return out.empty() ? "none" : out;
}

} // namespace

void check_checkpoint_matches(const Checkpoint &c, const Model &m, const std::string &path, CheckpointUse use) {
  if (c.width != m.first_input().width)
    throw InputError(path + ": this checkpoint was trained on samples of width " + std::to_string(c.width) + ", but the data has width " +
                     std::to_string(m.first_input().width));
  for (const ParamInfo &p : m.params) {
    auto it = c.params.find(p.name);
    if (it == c.params.end())
      throw InputError(path + ": the checkpoint has no param " + p.name + ", which the program declares (it holds: " + param_names(c) +
                       ")");
    const StoredParam &s = it->second;
    if (s.per_sample != p.per_sample)
      throw InputError(path + ": param " + p.name + " is " + (p.per_sample ? "" : "not ") + "per sample in the program, but " +
                       (s.per_sample ? "" : "not ") + "in the checkpoint");
    if (s.shape ? !(*s.shape == p.shape) : s.numel != p.shape.numel())
      throw InputError(path + ": param " + p.name + " is " + ir::shape_text(p.shape) + " in the program, but " +
                       (s.shape ? ir::shape_text(*s.shape) : std::to_string(s.numel) + " values") + " in the checkpoint" +
                       changed_dims(c, m));
  }
  if (use == CheckpointUse::Resume)
    for (const auto &[name, s] : c.params)
      if (!m.param(name))
        throw InputError(path + ": the checkpoint holds param " + name +
                         ", which the program no longer declares: a resumed run "
                         "continues the same params (aec run can still use the checkpoint)");
}

} // namespace aec::runtime
