// The cost of the gradient sum a data-parallel step makes (World::tree_sum: a reduce-scatter
// through MPI_Alltoallv, then MPI_Allgatherv), by message size, under mpirun: each process holds
// one vector, as when every process has one chunk. Prints one line per size with the median time
// over the repeats (as the slowest process saw it), then the latency and bandwidth of the
// alpha-beta fit t = a + b * bytes over the sizes.
// Usage: mpirun -np N bench/mpi_collectives [REPEATS]
#include "runtime/world.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

int main(int argc, char **argv) {
  using aec::runtime::World;
  const World &world = World::get();
  const int repeats = argc > 1 ? std::max(3, std::atoi(argv[1])) : 21;
  const std::vector<int64_t> sizes = {64, 1024, 16384, 131072, 524288, 1048576, 4194304}; // floats
  std::vector<double> xs, ys;
  if (world.first()) std::printf("%d processes\n%12s %12s %12s\n", world.size(), "bytes", "median us", "GB/s");
  for (int64_t floats : sizes) {
    std::vector<float> mine(size_t(floats), 1.0f + float(world.rank()));
    std::vector<float> out(static_cast<size_t>(floats));
    std::vector<double> times;
    for (int r = 0; r < repeats; ++r) {
      world.max(0); // start together
      const auto start = std::chrono::steady_clock::now();
      world.tree_sum(world.size(), floats,
                     aec::runtime::written_leaf([&](int64_t, float *to) { std::copy(mine.begin(), mine.end(), to); }, floats), out.data());
      times.push_back(world.max(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()));
    }
    std::sort(times.begin(), times.end());
    const double median = times[times.size() / 2], bytes = double(floats) * 4;
    xs.push_back(bytes);
    ys.push_back(median);
    if (world.first()) std::printf("%12.0f %12.1f %12.2f\n", bytes, median * 1e6, bytes / median / 1e9);
  }
  // Least squares of t = a + b * bytes in relative error (weights 1 / t^2), so that the small
  // messages fix the latency and the large ones the bandwidth.
  double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (size_t i = 0; i < xs.size(); ++i) {
    const double w = 1 / (ys[i] * ys[i]);
    sw += w, sx += w * xs[i], sy += w * ys[i], sxx += w * xs[i] * xs[i], sxy += w * xs[i] * ys[i];
  }
  const double b = (sw * sxy - sx * sy) / (sw * sxx - sx * sx), a = (sy - b * sx) / sw;
  if (world.first()) std::printf("fit: latency %.2f us, %.3f ns per byte (%.2f GB/s)\n", a * 1e6, b * 1e9, 1 / b / 1e9);
  return 0;
}
