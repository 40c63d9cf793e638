// The samples of an uncompressed NPY or IDX file read in place through a memory mapping instead
// of into memory: a run touches only the pages of the samples it reads, and lets go of them once
// a window's worth has been touched, so its resident set stays bounded whatever the file's size
// (the operating system's page cache keeps the pages, outside the process's own memory).
#pragma once
#include "runtime/element_type.h"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace aec::runtime {

// A whole file mapped read-only. Throws InputError naming the file when it cannot be.
class MappedFile {
public:
  explicit MappedFile(const std::string &path);
  ~MappedFile();
  MappedFile(const MappedFile &) = delete;
  MappedFile &operator=(const MappedFile &) = delete;

  const unsigned char *bytes() const { return bytes_; }
  size_t size() const { return size_; }
  // Drops the mapping's pages from this process's resident set; reading them again maps them
  // back from the page cache (or the file).
  void release_pages() const;
  // Read-ahead on (a pass over every sample) or off (batches of scattered samples, the default).
  void expect_sequential(bool sequential) const;

private:
  unsigned char *bytes_ = nullptr;
  size_t size_ = 0;
};

// Samples read in place from one mapped file, or from several one after another (a list of
// shard files).
class MappedSamples {
public:
  MappedSamples(int64_t width, ElementType type) : width_(width), type_(type) {}
  // The `samples` samples of one file (what a reader of NPY or IDX makes).
  static std::shared_ptr<const MappedSamples> of_file(std::shared_ptr<const MappedFile> file, size_t data_offset, int64_t samples,
                                                      int64_t width, ElementType type);

  // Appends the `samples` samples at byte `data_offset` of `file` on (the reader checked that the
  // file holds them).
  void add_file(std::shared_ptr<const MappedFile> file, size_t data_offset, int64_t samples);
  // Appends another's files (of the same width and element type).
  void append(const MappedSamples &other);

  // Elements [offset, offset + count) of sample i, as float32.
  void read(int64_t i, int64_t offset, int64_t count, float *out) const;
  // For a pass over every sample in order: read-ahead from the files while it lasts (without,
  // a file not in the page cache is read a page per fault: a minute for 2 GB, measured).
  class SequentialPass {
  public:
    explicit SequentialPass(const MappedSamples *s);
    ~SequentialPass();
    SequentialPass(const SequentialPass &) = delete;
    SequentialPass &operator=(const SequentialPass &) = delete;

  private:
    const MappedSamples *s_;
  };

  int64_t samples() const { return files_.empty() ? 0 : files_.back().first + files_.back().samples; }
  int64_t width() const { return width_; }
  int64_t file_bytes() const;
  const ElementType &type() const { return type_; }

  // The most of the files a run holds resident: the pages touched are let go when the process's
  // file-backed resident set has grown by this much (measured: a read fault maps 64 KB around the
  // page it needs, more for a large folio, so counting the bytes read would not do).
  int64_t resident_window() const { return window_.load(std::memory_order_relaxed); }
  // Sets the window (at least kSmallestWindow, at most the files' size): a run sizes it to the
  // memory it may use (MemoryPlan::add_data).
  void set_resident_window(int64_t bytes) const;

  // The window until a run sets one.
  static constexpr int64_t kResidentWindow = int64_t(64) << 20;
  static constexpr int64_t kSmallestWindow = int64_t(4) << 20;
  // Reads between two looks at the resident set (each costs half a microsecond).
  static constexpr int64_t kReadsPerLook = 2;

private:
  struct File {
    std::shared_ptr<const MappedFile> file;
    size_t data_offset;
    int64_t first, samples;
  };
  int64_t width_;
  ElementType type_;
  std::vector<File> files_;
  mutable std::atomic<int64_t> window_{kResidentWindow}, reads_{0}, resident_after_release_{-1};

  void release_if_full() const;
};

} // namespace aec::runtime
