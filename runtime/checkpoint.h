// Checkpoints: a trained model's params (per-sample rows included), the training mean when
// `center=true`, and the identity of the program that made them (its source text and --set
// values), so that loading one into another program is a clear error rather than wrong numbers.
//
// File format (little-endian): "AECCKPT\0", u32 version, then sections, each
//   u32 tag length, tag, u64 payload length, payload
// ending with the section "end" whose payload is the FNV-1a 64 hash of every byte before it.
// Tags: "program" (name, source text, --set values), "data" (width, samples), "mean" (floats),
// "param" (name, per-sample flag, rows, numel, floats), "shapes" (each param's rank, rows and
// columns, and the program's dims, by name), and for resuming "config", "progress",
// "optimizer" and "best" (training_progress.h). Unknown tags are skipped, so later
// versions can add sections (optimizer state) that older readers ignore.
// Writing is atomic: a temporary file beside the target, fsync, rename.
#pragma once
#include "runtime/training_progress.h"
#include "sema/model.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace aec::runtime {

struct StoredParam {
  bool per_sample = false;
  int64_t rows = 1;  // samples, for a per-sample param
  int64_t numel = 0; // per row
  std::vector<float> values;
  std::optional<ir::Shape> shape; // of one row (checkpoints before the "shapes" section: numel only)
};

struct Checkpoint {
  std::string program_name, program_text;
  std::map<std::string, std::string> overrides;
  int64_t width = 0, samples = 0;
  std::vector<float> mean; // empty unless the data was centered
  std::map<std::string, StoredParam> params;
  std::map<std::string, int64_t> dims; // the program's dims when it was trained (for messages)
  // Present in checkpoints written by `aec train`: what --resume continues from.
  std::optional<TrainingProgress> training;
};

// The checkpoint of a trained model of `m`.
Checkpoint make_checkpoint(const Model &m, int64_t samples, const std::vector<float> &mean,
                           const std::map<std::string, std::vector<float>> &params);

// Throws InputError naming the path and what failed.
void save_checkpoint(const std::string &path, const Checkpoint &c);
// Throws InputError for an unreadable, truncated, corrupt or foreign file.
Checkpoint load_checkpoint(const std::string &path);
// The same for a checkpoint's bytes, read from `path` (for messages).
Checkpoint parse_checkpoint(const std::string &bytes, const std::string &path);
// The bytes save_checkpoint writes.
std::string serialize_checkpoint(const Checkpoint &c);
// `bytes` (the magic, the version and sections) closed by the end section and its checksum.
std::string seal_checkpoint(std::string bytes);

// What a checkpoint written by `aec train` carries for --resume; throws InputError naming `path`
// for one without it (written by an earlier aec: loadable by `aec run`, not resumable).
const TrainingProgress &training_state(const Checkpoint &c, const std::string &path);

// Throws InputError unless `c` fits the program `m`: the data width, and every param of the
// program in the checkpoint with the same shape (its name is what matches, so the program may
// have been edited since: a comment, an output, a hyper). A resumed run also needs no other
// params than the program's. The message says what differs, and which dims changed.
enum class CheckpointUse { Run, Resume };
void check_checkpoint_matches(const Checkpoint &c, const Model &m, const std::string &path, CheckpointUse use);

} // namespace aec::runtime
