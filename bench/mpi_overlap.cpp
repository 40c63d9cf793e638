// Whether overlapping the gradient sum with compute pays on this machine's MPI: for the gradient
// sizes of relu_ae and deep_ae, the time of
//   sum      MPI_Allreduce alone,
//   compute  GEMMs alone (as many as take about as long as the sum),
//   overlap  MPI_Iallreduce, the GEMMs, MPI_Wait (what overlapping a step's last kernel run with
//            the sum of the gradients already final would do),
//   polled   the same with MPI_Test between sixteen slices of the GEMMs (a kernel that polls),
// medians over the repeats as the slowest process saw them, and how much of the shorter of the
// two the overlap hid: (sum + compute - overlapped) / min(sum, compute).
// Usage: mpirun -np N bench/mpi_overlap [REPEATS]   (default 41)
#include "runtime/blas_core.h"

#include <mpi.h>

#include <cblas.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

namespace {

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

// The median over `repeats` of the slowest process's time for `body`.
double median_time(int repeats, const std::function<void()> &body) {
  std::vector<double> times;
  for (int r = 0; r < repeats; ++r) {
    MPI_Barrier(MPI_COMM_WORLD);
    const double start = now();
    body();
    double mine = now() - start, slowest = 0;
    MPI_Allreduce(&mine, &slowest, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    times.push_back(slowest);
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

// A chunk of 32 samples through relu_ae's encoder: a [256 x 784] by [784 x 32] product.
struct Gemm {
  std::vector<float> a = std::vector<float>(256 * 784, 0.5f), b = std::vector<float>(784 * 32, 0.25f), c = std::vector<float>(256 * 32);
  void run() {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 256, 32, 784, 1.0f, a.data(), 784, b.data(), 32, 0.0f, c.data(), 32);
  }
};

} // namespace

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const int repeats = argc > 1 ? std::max(3, std::atoi(argv[1])) : 41;
  const std::string kernels = aec::runtime::ensure_blas_kernels(); // as aec runs them (not Prescott's on a CPU OpenBLAS does not know)
  Gemm gemm;
  const double one_gemm = median_time(repeats, [&] { gemm.run(); });
  if (rank == 0)
    std::printf("%d processes; one 256x784x32 GEMM (OpenBLAS %s): %.0f us\n%-8s %10s %10s %10s %10s %10s %8s\n", size, kernels.c_str(),
                one_gemm * 1e6, "model", "floats", "sum ms", "compute", "overlap", "polled", "hidden");
  const struct {
    const char *model;
    int floats;
  } gradients[] = {{"relu_ae", 402192}, {"deep_ae", 2807784}};
  for (const auto &g : gradients) {
    std::vector<float> grad(size_t(g.floats), 1.0f + float(rank)), sum(size_t(g.floats));
    const double alone =
        median_time(repeats, [&] { MPI_Allreduce(grad.data(), sum.data(), g.floats, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD); });
    const int gemms = std::max(16, int(alone / one_gemm + 0.5)) / 16 * 16;
    const double compute = median_time(repeats, [&] {
      for (int i = 0; i < gemms; ++i) gemm.run();
    });
    auto overlapped = [&](bool poll) {
      return median_time(repeats, [&] {
        MPI_Request request;
        MPI_Iallreduce(grad.data(), sum.data(), g.floats, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD, &request);
        for (int i = 0; i < gemms; ++i) {
          gemm.run();
          int done = 0;
          if (poll && (i + 1) % (gemms / 16) == 0) MPI_Test(&request, &done, MPI_STATUS_IGNORE);
        }
        MPI_Wait(&request, MPI_STATUS_IGNORE);
      });
    };
    const double overlap = overlapped(false), polled = overlapped(true);
    const double hidden = (alone + compute - std::min(overlap, polled)) / std::min(alone, compute);
    if (rank == 0)
      std::printf("%-8s %10d %10.2f %10.2f %10.2f %10.2f %7.0f%%\n", g.model, g.floats, alone * 1e3, compute * 1e3, overlap * 1e3,
                  polled * 1e3, hidden * 100);
  }
  MPI_Finalize();
  return 0;
}
