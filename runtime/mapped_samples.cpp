#include "runtime/mapped_samples.h"
#include "source/diagnostics.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace aec::runtime {

namespace {

// This process's file-backed resident set in bytes (pages of mapped files, code included), or -1
// where /proc cannot tell.
int64_t resident_file_bytes() {
  static const int fd = ::open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
  static const int64_t page = ::sysconf(_SC_PAGESIZE);
  char text[160];
  const ssize_t got = fd < 0 ? -1 : ::pread(fd, text, sizeof text - 1, 0);
  if (got <= 0) return -1;
  text[got] = 0;
  long long size = 0, resident = 0, shared = 0; // statm: size resident shared text lib data dt, in pages
  if (std::sscanf(text, "%lld %lld %lld", &size, &resident, &shared) != 3) return -1;
  return shared * page;
}

} // namespace

MappedFile::MappedFile(const std::string &path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw InputError(path + ": cannot open the file (" + std::strerror(errno) + ")");
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    throw InputError(path + ": cannot read the file's size (" + std::strerror(err) + ")");
  }
  size_ = size_t(st.st_size);
  if (size_ > 0) {
    void *p = ::mmap(nullptr, size_, PROT_READ, MAP_SHARED, fd, 0);
    int err = errno;
    ::close(fd);
    if (p == MAP_FAILED) throw InputError(path + ": cannot map the file into memory (" + std::strerror(err) + ")");
    bytes_ = static_cast<unsigned char *>(p);
    // A batch's samples are scattered: no read-ahead, and no large folios mapped whole for a
    // sample's few kilobytes (measured: 7% more samples/s when the window is small).
    expect_sequential(false);
    ::madvise(p, size_, MADV_NOHUGEPAGE);
  } else {
    ::close(fd);
  }
}

MappedFile::~MappedFile() {
  if (bytes_) ::munmap(bytes_, size_);
}

void MappedFile::release_pages() const {
  if (bytes_) ::madvise(bytes_, size_, MADV_DONTNEED);
}

void MappedFile::expect_sequential(bool sequential) const {
  if (bytes_) ::madvise(bytes_, size_, sequential ? MADV_SEQUENTIAL : MADV_RANDOM);
}

MappedSamples::SequentialPass::SequentialPass(const MappedSamples *s) : s_(s) {
  if (s_)
    for (const File &f : s_->files_) f.file->expect_sequential(true);
}

MappedSamples::SequentialPass::~SequentialPass() {
  if (s_)
    for (const File &f : s_->files_) f.file->expect_sequential(false);
}

std::shared_ptr<const MappedSamples> MappedSamples::of_file(std::shared_ptr<const MappedFile> file, size_t data_offset, int64_t samples,
                                                            int64_t width, ElementType type) {
  auto mapped = std::make_shared<MappedSamples>(width, type);
  mapped->add_file(std::move(file), data_offset, samples);
  return mapped;
}

void MappedSamples::add_file(std::shared_ptr<const MappedFile> file, size_t data_offset, int64_t samples) {
  const int64_t first = this->samples();
  files_.push_back({std::move(file), data_offset, first, samples});
  set_resident_window(kResidentWindow);
  if (resident_after_release_.load() < 0) resident_after_release_.store(resident_file_bytes());
}

void MappedSamples::append(const MappedSamples &other) {
  for (const File &f : other.files_) add_file(f.file, f.data_offset, f.samples);
}

int64_t MappedSamples::file_bytes() const {
  int64_t total = 0;
  for (const File &f : files_) total += int64_t(f.file->size());
  return total;
}

void MappedSamples::set_resident_window(int64_t bytes) const {
  const int64_t all = file_bytes();
  window_.store(std::clamp(bytes, std::min(kSmallestWindow, all), all), std::memory_order_relaxed);
}

void MappedSamples::read(int64_t i, int64_t offset, int64_t count, float *out) const {
  auto f = files_.begin();
  if (files_.size() > 1)
    f = std::upper_bound(files_.begin(), files_.end(), i, [](int64_t s, const File &file) { return s < file.first; }) - 1;
  const size_t at = f->data_offset + (size_t(i - f->first) * size_t(width_) + size_t(offset)) * type_.bytes;
  decode_elements(f->file->bytes() + at, type_, count, out);
  if (reads_.fetch_add(1, std::memory_order_relaxed) % kReadsPerLook == kReadsPerLook - 1) release_if_full();
}

void MappedSamples::release_if_full() const {
  const int64_t resident = resident_file_bytes(); // (unknown without /proc: let go at every look)
  if (resident >= 0 && resident - resident_after_release_.load(std::memory_order_relaxed) <= resident_window()) return;
  for (const File &f : files_) f.file->release_pages();
  resident_after_release_.store(resident_file_bytes(), std::memory_order_relaxed);
}

} // namespace aec::runtime
