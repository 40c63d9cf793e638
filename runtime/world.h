// The processes of a data-parallel run: those `mpirun` started (Open MPI; MPI is initialized on
// first use), or this process alone. Everything a run shares across processes goes through
// here, so the rest of the runtime never sees MPI, and a build without MPI changes nothing.
#pragma once
#include "runtime/tree_sum.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace aec::runtime {

class World {
public:
  // This process's world. Throws InputError when mpirun started more than one process and this
  // aec was built without MPI.
  static const World &get();
  // This process alone, cutting batches into chunks as `mpirun -np 1` does: what tests compare a
  // data-parallel step against a plain one with, without mpirun.
  static World alone_in_chunks() { return World(0, 1, true); }

  int rank() const { return rank_; }
  int size() const { return size_; }
  bool first() const { return rank_ == 0; }
  bool distributed() const { return size_ > 1; }
  // Whether mpirun started this process (also with -np 1): training then cuts batches into chunks
  // the same way for any number of processes (runtime/batch_gradient.h).
  bool data_parallel() const { return mpi_; }

  // Every process gets the first process's `bytes` bytes at `data`.
  void broadcast(void *data, int64_t bytes) const;

  // out[0, length) on every process = the sum of vectors 0..total-1, of which this process holds
  // share_of(total, rank, size) (mine(i, to, add) writes or adds vector i of those into
  // to[0, length), once each, in order): summed along tree_sum.h's fixed tree, so that any number
  // of processes gives the bits of one. Each process adds up a segment of the entries
  // (reduce-scatter), then the segments are gathered.
  void tree_sum(int64_t total, int64_t length, const TreeLeaf &mine, float *out) const;

  // Each process's bytes, in rank order, on every process.
  std::vector<std::string> all_gather(const std::string &bytes) const;

  // The largest of each process's value, on every process.
  double max(double value) const;

  // Wall time this process has spent in MPI's collectives so far: moving data, and waiting for
  // the other processes to arrive (so a slower process shows as the others' communication).
  double communication_seconds() const { return communication_seconds_; }

private:
  World(int rank, int size, bool mpi) : rank_(rank), size_(size), mpi_(mpi) {}
  int rank_, size_;
  bool mpi_;
  mutable double communication_seconds_ = 0;
  // Runs an MPI call, its time counted as communication.
  template <class Call> void timed(Call call) const;
};

// Whether this aec was built with MPI ("Open MPI 4.1.4") or "" without.
std::string mpi_library();

} // namespace aec::runtime
