// Sums of many vectors in one fixed order, whoever holds which of them: the order of a data-
// parallel gradient sum that gives the same bits on one process or many (issue 16). Vectors
// 0..total-1 (one per chunk of a batch's samples) are added along a fixed binary tree: the sum
// of [lo, hi) is sum[lo, lo + p) + sum[lo + p, hi), p the largest power of two below hi - lo. A
// process holding a contiguous range of the vectors adds up the whole subtrees inside it (its
// partial sums); the partial sums of all processes then meet in the same tree. Float addition of
// two numbers is exact to its rounding whatever the vector width, so every process, any number
// of processes, and any machine get the same bits.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

namespace aec::runtime {

// A subtree [lo, hi) of the tree over `total` vectors.
struct TreeNode {
  int64_t lo, hi;
  bool operator==(const TreeNode &) const = default;
};

// The maximal subtrees inside [first, end), in order: the partial sums its holder contributes.
std::vector<TreeNode> partial_sums_of(int64_t total, int64_t first, int64_t end);

// How a leaf of the tree gives its vector i: leaf(i, to, add) writes it into to[0, length) (the
// sum's own memory, or a buffer of it: no copies), or with `add` adds it to what `to` holds, as
// to[j] += v[j] with v[j] rounded to float first: the bits of writing v and adding it after. The
// right child of a node is added straight into the left's sum when it is a leaf: one pass over the
// vector instead of a write and a read.
using TreeLeaf = std::function<void(int64_t i, float *to, bool add)>;

// A leaf that can only write its vector (it is added through a buffer of `length` floats).
TreeLeaf written_leaf(std::function<void(int64_t i, float *to)> write, int64_t length);

// out[0, length) = the sum of node [lo, hi). Each leaf is given once, in order.
void tree_sum(TreeNode node, const TreeLeaf &leaf, int64_t length, float *out);

// The sum of all `total` vectors from the partial sums that cover them (in the order of
// partial_sums_of over consecutive ranges), over entries [begin, end): sums[i] holds those
// entries of nodes[i]'s sum (its first float is entry `begin`).
void combine_partial_sums(int64_t total, const std::vector<TreeNode> &nodes, const std::vector<const float *> &sums, int64_t begin,
                          int64_t end, float *out);

// Which vectors of `total` the process `rank` of `processes` holds: a contiguous, balanced range.
struct Range {
  int64_t first, end;
};
Range share_of(int64_t total, int rank, int processes);

} // namespace aec::runtime
