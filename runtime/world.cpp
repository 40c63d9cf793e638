#include "runtime/world.h"
#include "runtime/tree_sum.h"
#include "source/diagnostics.h"

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#ifdef AEC_HAVE_MPI
#include <mpi.h>
#endif

namespace aec::runtime {
namespace {

// The number of processes mpirun started, from Open MPI's environment (0 without mpirun).
int launched_processes() {
  const char *size = std::getenv("OMPI_COMM_WORLD_SIZE");
  return size ? std::max(1, std::atoi(size)) : 0;
}

#ifdef AEC_HAVE_MPI
int checked_int(int64_t n, const char *what) {
  if (n < 0 || n > INT_MAX) throw std::length_error(std::string("MPI: ") + what + " of " + std::to_string(n) + " exceeds an int");
  return static_cast<int>(n);
}

void check(int status, const char *call) {
  if (status == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(status, text, &length);
  throw std::runtime_error(std::string(call) + " failed: " + std::string(text, size_t(length)));
}
#endif

} // namespace

template <class Call> void World::timed(Call call) const {
  const auto start = std::chrono::steady_clock::now();
  call();
  communication_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

const World &World::get() {
  static const World world = [] {
    if (launched_processes() == 0) return World(0, 1, false);
#ifdef AEC_HAVE_MPI
    int provided = 0;
    check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
    std::atexit([] {
      int finalized = 0;
      MPI_Finalized(&finalized);
      if (!finalized) MPI_Finalize();
    });
    // Errors come back as codes (turned into exceptions by check) instead of aborting the job.
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    int rank = 0, size = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    return World(rank, size, true);
#else
    throw InputError("mpirun started " + std::to_string(launched_processes()) +
                     " processes, but this aec was built without MPI: install libopenmpi-dev (tools/setup.sh does) and "
                     "build again");
#endif
  }();
  return world;
}

void World::broadcast(void *data, int64_t bytes) const {
  if (!distributed()) return;
#ifdef AEC_HAVE_MPI
  timed([&] { check(MPI_Bcast(data, checked_int(bytes, "a broadcast"), MPI_BYTE, 0, MPI_COMM_WORLD), "MPI_Bcast"); });
#endif
}

void World::tree_sum(int64_t total, int64_t length, const TreeLeaf &mine, float *out) const {
  const Range held = share_of(total, rank_, size_);
  // This process's partial sums: the whole subtrees inside what it holds.
  const std::vector<TreeNode> own = partial_sums_of(total, held.first, held.end);
  if (!distributed() && own.size() == 1) return runtime::tree_sum(own[0], mine, length, out); // the whole tree
  // Buffers kept from sum to sum: a step's sums would otherwise fault in fresh pages each time.
  thread_local std::vector<std::vector<float>> own_sums;
  thread_local std::vector<float> send, receive;
  if (own_sums.size() < own.size()) own_sums.resize(own.size());
  std::vector<const float *> own_at;
  for (size_t i = 0; i < own.size(); ++i) {
    if (own_sums[i].size() < size_t(length)) own_sums[i].resize(size_t(length));
    runtime::tree_sum(own[i], mine, length, own_sums[i].data());
    own_at.push_back(own_sums[i].data());
  }
  if (!distributed()) {
    combine_partial_sums(total, own, own_at, 0, length, out);
    return;
  }
#ifdef AEC_HAVE_MPI
  // Process q adds up entries share_of(length, q, size) of every partial sum: each process sends
  // the others their segments of its partial sums (one partial sum: straight from it; several:
  // packed segment by segment) and keeps its own segment where it is.
  std::vector<int> send_counts(static_cast<size_t>(size_)), send_at(static_cast<size_t>(size_)), receive_counts(static_cast<size_t>(size_)),
      receive_at(static_cast<size_t>(size_));
  const bool packed = own.size() > 1;
  send.clear();
  for (int q = 0; q < size_; ++q) {
    if (q == rank_) continue;
    const Range part = share_of(length, q, size_);
    if (!packed) {
      send_at[size_t(q)] = checked_int(part.first, "a send offset");
      send_counts[size_t(q)] = own.empty() ? 0 : checked_int(part.end - part.first, "a send count");
      continue;
    }
    send_at[size_t(q)] = checked_int(int64_t(send.size()), "a send buffer");
    for (const float *s : own_at) send.insert(send.end(), s + part.first, s + part.end);
    send_counts[size_t(q)] = checked_int(int64_t(send.size()) - send_at[size_t(q)], "a send count");
  }
  const Range mine_segment = share_of(length, rank_, size_);
  const int64_t segment_length = mine_segment.end - mine_segment.first;
  std::vector<TreeNode> nodes;   // every process's partial sums, in rank order
  std::vector<int64_t> received; // by nodes: where its segment is in `receive`, or -1: this process's own
  int64_t receive_length = 0;
  for (int p = 0; p < size_; ++p) {
    const Range r = share_of(total, p, size_);
    const std::vector<TreeNode> theirs = partial_sums_of(total, r.first, r.end);
    receive_at[size_t(p)] = checked_int(receive_length, "a receive buffer");
    for (const TreeNode &n : theirs) {
      nodes.push_back(n);
      received.push_back(p == rank_ ? -1 : receive_length);
      if (p != rank_) receive_length += segment_length;
    }
    receive_counts[size_t(p)] = checked_int(receive_length, "a receive count") - receive_at[size_t(p)];
  }
  receive.resize(static_cast<size_t>(receive_length));
  timed([&] {
    check(MPI_Alltoallv(packed        ? send.data()
                        : own.empty() ? nullptr
                                      : own_at[0],
                        send_counts.data(), send_at.data(), MPI_FLOAT, receive.data(), receive_counts.data(), receive_at.data(), MPI_FLOAT,
                        MPI_COMM_WORLD),
          "MPI_Alltoallv");
  });
  std::vector<const float *> sums;
  size_t own_index = 0;
  for (size_t i = 0; i < nodes.size(); ++i)
    sums.push_back(received[i] < 0 ? own_at[own_index++] + mine_segment.first : receive.data() + received[i]);
  // The segment goes where it belongs in `out`; the others' segments are gathered around it.
  combine_partial_sums(total, nodes, sums, mine_segment.first, mine_segment.end, out + mine_segment.first);

  std::vector<int> counts(static_cast<size_t>(size_)), at(static_cast<size_t>(size_));
  for (int q = 0; q < size_; ++q) {
    const Range s = share_of(length, q, size_);
    at[size_t(q)] = checked_int(s.first, "a gathered offset");
    counts[size_t(q)] = checked_int(s.end - s.first, "a gathered count");
  }
  timed([&] {
    check(MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, out, counts.data(), at.data(), MPI_FLOAT, MPI_COMM_WORLD), "MPI_Allgatherv");
  });
#endif
}

std::vector<std::string> World::all_gather(const std::string &bytes) const {
  if (!distributed()) return {bytes};
  std::vector<std::string> all(static_cast<size_t>(size_));
#ifdef AEC_HAVE_MPI
  int mine = checked_int(int64_t(bytes.size()), "a gathered string");
  std::vector<int> counts(static_cast<size_t>(size_)), at(static_cast<size_t>(size_));
  timed([&] { check(MPI_Allgather(&mine, 1, MPI_INT, counts.data(), 1, MPI_INT, MPI_COMM_WORLD), "MPI_Allgather"); });
  int64_t total = 0;
  for (int p = 0; p < size_; ++p) {
    at[size_t(p)] = checked_int(total, "a gathered offset");
    total += counts[size_t(p)];
  }
  std::string joined(static_cast<size_t>(total), '\0');
  timed([&] {
    check(MPI_Allgatherv(bytes.data(), mine, MPI_BYTE, joined.data(), counts.data(), at.data(), MPI_BYTE, MPI_COMM_WORLD),
          "MPI_Allgatherv");
  });
  for (int p = 0; p < size_; ++p) all[size_t(p)] = joined.substr(size_t(at[size_t(p)]), size_t(counts[size_t(p)]));
#endif
  return all;
}

double World::max(double value) const {
  if (!distributed()) return value;
  double result = value;
#ifdef AEC_HAVE_MPI
  timed([&] { check(MPI_Allreduce(&value, &result, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD), "MPI_Allreduce"); });
#endif
  return result;
}

std::string mpi_library() {
#ifdef AEC_HAVE_MPI
  char version[MPI_MAX_LIBRARY_VERSION_STRING];
  int length = 0;
  MPI_Get_library_version(version, &length);
  std::string text(version, size_t(length));
  // "Open MPI v4.1.4, package: ..." -> "Open MPI v4.1.4"
  return text.substr(0, text.find(','));
#else
  return "";
#endif
}

} // namespace aec::runtime
