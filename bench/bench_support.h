// What the benchmark programs share: a median wall time and random operands.
#pragma once
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <random>
#include <vector>

namespace aec::bench {

// The median wall time of `body` in seconds, after one warm-up run (scratch, primitive caches):
// at least `repeats` runs, and more (up to 2000) until `min_seconds` have passed; `untimed`, when
// given, runs before each timed run (to evict the caches, say).
inline double median_seconds(const std::function<void()> &body, int repeats, double min_seconds = 0,
                             const std::function<void()> &untimed = {}) {
  using Clock = std::chrono::steady_clock;
  body();
  std::vector<double> times;
  const auto start = Clock::now();
  while (int(times.size()) < repeats ||
         (std::chrono::duration<double>(Clock::now() - start).count() < min_seconds && times.size() < 2000)) {
    if (untimed) untimed();
    const auto t = Clock::now();
    body();
    times.push_back(std::chrono::duration<double>(Clock::now() - t).count());
  }
  std::nth_element(times.begin(), times.begin() + times.size() / 2, times.end());
  return times[times.size() / 2];
}

// n floats uniform in [-1, 1).
inline std::vector<float> random_floats(int64_t n, std::mt19937 &rng) {
  std::uniform_real_distribution<float> u(-1, 1);
  std::vector<float> v(static_cast<size_t>(n));
  for (float &x : v) x = u(rng);
  return v;
}

} // namespace aec::bench
