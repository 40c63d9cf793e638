// What the kernels' products did while recording is on (`aec train --profile`, bench/roofline):
// each GEMM shape the kernels asked aec_gemm for, how often, and the wall time it took. Off, a
// product pays one relaxed atomic load.
#pragma once
#include <compare>
#include <cstdint>
#include <map>

namespace aec::runtime {

// A column-major product C[m, n] = op(A)[m, k] op(B)[k, n], as aec_gemm receives it (before it
// cuts the product among the team's threads).
struct GemmShape {
  bool ta = false, tb = false;
  int64_t m = 0, n = 0, k = 0;
  auto operator<=>(const GemmShape &) const = default;
  double flops() const { return 2.0 * double(m) * double(n) * double(k); }
};

struct GemmRecord {
  int64_t calls = 0;
  double seconds = 0;
};

using GemmRecords = std::map<GemmShape, GemmRecord>;

// Starts recording (from empty); stop returns what was recorded and turns recording off.
void start_recording_gemms();
GemmRecords stop_recording_gemms();

// For aec_gemm: whether to record, and a product's record.
bool recording_gemms();
void record_gemm(const GemmShape &shape, double seconds);

} // namespace aec::runtime
