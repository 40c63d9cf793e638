// The processes of a run, run under `mpirun -np N` for N = 1, 2, 3 (and alone, without mpirun):
// every process ends with the same bits, and those are one process's.
#include "runtime/tree_sum.h"
#include "runtime/world.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

using namespace aec::runtime;

namespace {

// Vector i of a test, the same on every process: magnitudes from 1e-4 to 1e4, so that another
// order of the additions gives other bits.
std::vector<float> vector_number(int64_t i, int64_t length) {
  std::mt19937 rng(static_cast<unsigned>(1000 + i));
  std::uniform_real_distribution<float> mantissa(-1, 1), exponent(-4, 4);
  std::vector<float> v(static_cast<size_t>(length));
  for (float &e : v) e = mantissa(rng) * std::pow(10.0f, exponent(rng));
  return v;
}

std::string bytes_of(const std::vector<float> &v) {
  return std::string(reinterpret_cast<const char *>(v.data()), v.size() * sizeof(float));
}

} // namespace

TEST_CASE("a tree sum over the processes gives every process one process's bits") {
  const World &world = World::get();
  for (int64_t total : {1, 2, 3, 5, 8, 13})  // fewer vectors than processes too
    for (int64_t length : {1, 2, 7, 1000}) { // fewer entries than processes too
      const Range held = share_of(total, world.rank(), world.size());
      std::vector<std::vector<float>> mine;
      for (int64_t i = held.first; i < held.end; ++i) mine.push_back(vector_number(i, length));
      std::vector<float> sum(static_cast<size_t>(length));
      world.tree_sum(
          total, length,
          written_leaf(
              [&](int64_t i, float *to) { std::copy(mine[size_t(i - held.first)].begin(), mine[size_t(i - held.first)].end(), to); },
              length),
          sum.data());

      std::vector<std::vector<float>> all;
      for (int64_t i = 0; i < total; ++i) all.push_back(vector_number(i, length));
      std::vector<float> alone(static_cast<size_t>(length));
      tree_sum({0, total}, written_leaf([&](int64_t i, float *to) { std::copy(all[size_t(i)].begin(), all[size_t(i)].end(), to); }, length),
               length, alone.data());

      INFO("rank " << world.rank() << " of " << world.size() << ", " << total << " vectors of " << length);
      CHECK(bytes_of(sum) == bytes_of(alone));
      for (const std::string &theirs : world.all_gather(bytes_of(sum))) CHECK(theirs == bytes_of(sum));
    }
}

TEST_CASE("the first process's bytes reach every process, and the largest value every process") {
  const World &world = World::get();
  std::vector<int64_t> v = {world.rank() == 0 ? 42 : -1, world.rank() == 0 ? 7 : -1};
  world.broadcast(v.data(), int64_t(v.size() * sizeof(int64_t)));
  CHECK(v == std::vector<int64_t>{42, 7});
  CHECK(world.max(double(world.rank())) == double(world.size() - 1));
  std::vector<std::string> names = world.all_gather(std::string(size_t(world.rank()), 'x'));
  REQUIRE(names.size() == size_t(world.size()));
  for (int p = 0; p < world.size(); ++p) CHECK(names[size_t(p)] == std::string(size_t(p), 'x'));
}
