#include "runtime/gemm_record.h"

#include <atomic>
#include <mutex>

namespace aec::runtime {

namespace {
std::atomic<bool> recording{false};
std::mutex records_mutex;
GemmRecords records;
} // namespace

void start_recording_gemms() {
  std::lock_guard<std::mutex> lock(records_mutex);
  records.clear();
  recording.store(true, std::memory_order_relaxed);
}

GemmRecords stop_recording_gemms() {
  recording.store(false, std::memory_order_relaxed);
  std::lock_guard<std::mutex> lock(records_mutex);
  return std::move(records);
}

bool recording_gemms() { return recording.load(std::memory_order_relaxed); }

void record_gemm(const GemmShape &shape, double seconds) {
  std::lock_guard<std::mutex> lock(records_mutex);
  GemmRecord &r = records[shape];
  ++r.calls;
  r.seconds += seconds;
}

} // namespace aec::runtime
