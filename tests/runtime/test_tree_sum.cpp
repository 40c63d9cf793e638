// The fixed-order sum of many vectors: whichever process holds which contiguous range of them,
// the partial sums combine to the bits of one process adding them all.
#include "runtime/tree_sum.h"

#include <doctest/doctest.h>

#include <bit>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

using namespace aec::runtime;

namespace {

std::vector<std::vector<float>> random_vectors(int64_t count, int64_t length, std::mt19937 &rng) {
  // Magnitudes from 1e-4 to 1e4: any other order of the additions rounds differently.
  std::uniform_real_distribution<float> mantissa(-1, 1), exponent(-4, 4);
  std::vector<std::vector<float>> v(static_cast<size_t>(count), std::vector<float>(static_cast<size_t>(length)));
  for (auto &x : v)
    for (float &e : x) e = mantissa(rng) * std::pow(10.0f, exponent(rng));
  return v;
}

bool same_bits(const std::vector<float> &a, const std::vector<float> &b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

} // namespace

TEST_CASE("the tree splits after the largest power of two, and a range's partial sums are its maximal subtrees") {
  CHECK(partial_sums_of(8, 0, 8) == std::vector<TreeNode>{{0, 8}});
  CHECK(partial_sums_of(8, 2, 5) == std::vector<TreeNode>{{2, 4}, {4, 5}});
  CHECK(partial_sums_of(5, 0, 5) == std::vector<TreeNode>{{0, 5}});
  CHECK(partial_sums_of(5, 0, 3) == std::vector<TreeNode>{{0, 2}, {2, 3}}); // [0, 5) = [0, 4) + [4, 5)
  CHECK(partial_sums_of(5, 3, 5) == std::vector<TreeNode>{{3, 4}, {4, 5}});
  CHECK(partial_sums_of(6, 3, 3).empty());
  CHECK(share_of(8, 0, 3).first == 0);
  CHECK(share_of(8, 0, 3).end == 2);
  CHECK(share_of(8, 2, 3).end == 8);
}

TEST_CASE("partial sums from any number of holders combine to one holder's bits") {
  std::mt19937 rng(7);
  const int64_t length = 37;
  for (int64_t total = 1; total <= 19; ++total) {
    auto v = random_vectors(total, length, rng);
    const TreeLeaf leaf = written_leaf([&](int64_t i, float *to) { std::copy(v[size_t(i)].begin(), v[size_t(i)].end(), to); }, length);
    std::vector<float> alone(static_cast<size_t>(length));
    tree_sum({0, total}, leaf, length, alone.data());
    for (int processes = 1; processes <= 6; ++processes) {
      std::vector<TreeNode> nodes;
      std::vector<std::vector<float>> sums;
      for (int rank = 0; rank < processes; ++rank) {
        Range r = share_of(total, rank, processes);
        for (TreeNode n : partial_sums_of(total, r.first, r.end)) {
          nodes.push_back(n);
          sums.emplace_back(static_cast<size_t>(length));
          tree_sum(n, leaf, length, sums.back().data());
        }
      }
      std::vector<const float *> pointers;
      for (auto &s : sums) pointers.push_back(s.data());
      // Whole, and one segment at a time (what each process reduces of the vectors).
      std::vector<float> whole(static_cast<size_t>(length)), segments(static_cast<size_t>(length));
      combine_partial_sums(total, nodes, pointers, 0, length, whole.data());
      for (int64_t begin = 0; begin < length; begin += 10) {
        int64_t end = std::min<int64_t>(length, begin + 10);
        std::vector<float> part(static_cast<size_t>(end - begin));
        std::vector<const float *> segment;
        for (const float *p : pointers) segment.push_back(p + begin);
        combine_partial_sums(total, nodes, segment, begin, end, part.data());
        std::copy(part.begin(), part.end(), segments.begin() + begin);
      }
      INFO("total " << total << ", processes " << processes);
      CHECK(same_bits(whole, alone));
      CHECK(same_bits(segments, alone));
    }
  }
}

TEST_CASE("the order matters: summing left to right gives other bits for these vectors") {
  std::mt19937 rng(7);
  auto v = random_vectors(7, 64, rng);
  std::vector<float> tree(64), sequential(64, 0.0f);
  tree_sum({0, 7}, written_leaf([&](int64_t i, float *to) { std::copy(v[size_t(i)].begin(), v[size_t(i)].end(), to); }, 64), 64,
           tree.data());
  for (auto &x : v)
    for (size_t i = 0; i < 64; ++i) sequential[i] += x[i];
  CHECK_FALSE(same_bits(tree, sequential)); // so the test above can tell orders apart
}

// The nodes of the tree below n whose right child is one vector.
int64_t right_leaves(TreeNode n) {
  if (n.hi - n.lo < 2) return 0;
  const int64_t mid = n.lo + int64_t(std::bit_floor(uint64_t(n.hi - n.lo - 1)));
  return right_leaves({n.lo, mid}) + (n.hi - mid == 1 ? 1 : right_leaves({mid, n.hi}));
}

TEST_CASE("a leaf that adds its vector straight into the sum gives the bits of one that only writes it") {
  // What StepComputer's chunks do (weight times gradient, added where the tree would add it).
  std::mt19937 rng(9);
  const int64_t length = 53;
  for (int64_t total = 1; total <= 17; ++total) {
    auto v = random_vectors(total, length, rng);
    const float weight = 0.37f;
    std::vector<float> written(static_cast<size_t>(length)), added(static_cast<size_t>(length));
    int adds = 0;
    tree_sum({0, total},
             written_leaf(
                 [&](int64_t i, float *to) {
                   for (int64_t j = 0; j < length; ++j) to[j] = weight * v[size_t(i)][size_t(j)];
                 },
                 length),
             length, written.data());
    tree_sum(
        {0, total},
        [&](int64_t i, float *to, bool add) {
          adds += add;
          for (int64_t j = 0; j < length; ++j) to[j] = add ? to[j] + weight * v[size_t(i)][size_t(j)] : weight * v[size_t(i)][size_t(j)];
        },
        length, added.data());
    INFO("total " << total);
    CHECK(same_bits(written, added));
    CHECK(adds == right_leaves({0, total})); // every right child that is one vector
    if (total > 1) CHECK(adds > 0);
  }
}
