// What a run will allocate, added up before it allocates any of it, and the bound it must stay
// under: the memory this machine has available now (MemAvailable), or a --max-memory. A run over
// the bound is refused with a diagnostic at the largest part (a param's declaration, or the
// value whose buffer is largest), instead of being killed by the operating system halfway.
#pragma once
#include "codegen/kernel.h"
#include "runtime/dataset.h"
#include "sema/model.h"

#include <cstdint>
#include <string>
#include <vector>

namespace aec::runtime {

// The bytes the machine can still give this process: MemAvailable from /proc/meminfo (physical
// memory when that cannot be read).
int64_t available_memory();

// "1.5 GB", "320 MB", "12 KB".
std::string memory_text(double bytes);

// Parses a --max-memory value: bytes, or a number with K, M, G or T (powers of 1024).
// Throws InputError naming `flag`.
int64_t parse_memory_size(const std::string &text, const std::string &flag);

class MemoryPlan {
public:
  // `doing`: what the memory is for ("training", "aec run"); `smaller`: what would need less
  // ("a smaller --batch"), for the message.
  MemoryPlan(const Model &m, std::string doing, std::string smaller) : m_(m), doing_(std::move(doing)), smaller_(std::move(smaller)) {}

  // A param's values (a row per sample when `per sample`) and `copies` more arrays of its size
  // (gradient accumulators, optimizer moments).
  void add_param(const ParamInfo &p, int64_t samples, int copies, const std::string &copies_are);
  // What an Executor for `k` allocates at `max_batch`; `what` names the kernel.
  void add_kernel(const codegen::Kernel &k, int64_t max_batch, const std::string &what);
  // The data set's samples: all of them when they are in memory, the resident window of a
  // memory-mapped file (runtime/mapped_samples.h), which it sets first: with a --max-memory of
  // `limit`, what the parts added so far leave of it, at most a quarter of it (aec's own code
  // and libraries, outside the plan, are resident too); without (0), what half the memory
  // available leaves.
  void add_data(const Dataset &d, int64_t limit);
  // The values of output `name` for every sample.
  void add_output(const std::string &name, const ir::Shape &shape, int64_t samples);

  double bytes() const;
  // Throws CompileError (rendered against the program) when bytes() exceeds `limit`; a limit of
  // 0 means available_memory().
  void check(int64_t limit) const;

private:
  struct Part {
    std::string what;
    double bytes;
    Span span;
    std::string at_span; // what the span shows, when it is not what `what` names
  };
  const Model &m_;
  std::string doing_, smaller_;
  std::vector<Part> parts_;
};

} // namespace aec::runtime
