#include "runtime/tree_sum.h"

#include <algorithm>
#include <bit>
#include <map>
#include <stdexcept>

namespace aec::runtime {
namespace {

// Where [lo, hi) splits: after the largest power of two below hi - lo.
int64_t split(TreeNode n) { return n.lo + int64_t(std::bit_floor(uint64_t(n.hi - n.lo - 1))); }

void collect(TreeNode n, int64_t first, int64_t end, std::vector<TreeNode> &out) {
  if (n.hi <= first || n.lo >= end) return;
  if (first <= n.lo && n.hi <= end) {
    out.push_back(n);
    return;
  }
  const int64_t mid = split(n);
  collect({n.lo, mid}, first, end, out);
  collect({mid, n.hi}, first, end, out);
}

void add(const float *a, float *out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] += a[i];
}

// The right halves' sums under way, one buffer per depth of the tree, kept from sum to sum (a
// step's gradient sums would otherwise allocate, and fault in, fresh pages every time).
thread_local std::vector<std::vector<float>> right_halves;

// out[0, length) = node n's sum (of some segment of the vectors' entries), where at_hand(node,
// out) writes a node's sum when it is known (a vector, a partial sum received) and says so, and
// added_at_hand(node, out), when given, adds it to out instead when the node is one vector.
using AtHand = std::function<bool(TreeNode, float *)>;
void evaluate(TreeNode n, const AtHand &at_hand, int64_t length, float *out, const AtHand &added_at_hand = {}, size_t depth = 0) {
  if (at_hand(n, out)) return;
  if (n.hi - n.lo < 2) throw std::logic_error("tree_sum: a vector of the sum is missing");
  const int64_t mid = split(n);
  evaluate({n.lo, mid}, at_hand, length, out, added_at_hand, depth + 1);
  if (added_at_hand && added_at_hand({mid, n.hi}, out)) return;
  if (right_halves.size() <= depth) right_halves.resize(depth + 1);
  if (right_halves[depth].size() < size_t(length)) right_halves[depth].resize(size_t(length));
  float *right = right_halves[depth].data(); // (stays put when deeper levels add buffers)
  evaluate({mid, n.hi}, at_hand, length, right, added_at_hand, depth + 1);
  add(right, out, length);
}

} // namespace

std::vector<TreeNode> partial_sums_of(int64_t total, int64_t first, int64_t end) {
  std::vector<TreeNode> out;
  if (total > 0 && first < end) collect({0, total}, first, end, out);
  return out;
}

TreeLeaf written_leaf(std::function<void(int64_t, float *)> write, int64_t length) {
  return [write = std::move(write), length](int64_t i, float *to, bool sum) {
    if (!sum) return write(i, to);
    thread_local std::vector<float> written;
    if (written.size() < size_t(length)) written.resize(size_t(length));
    write(i, written.data());
    add(written.data(), to, length);
  };
}

void tree_sum(TreeNode node, const TreeLeaf &leaf, int64_t length, float *out) {
  if (length <= 0) return;
  auto leaf_at = [&](bool add) {
    return [&leaf, add](TreeNode n, float *to) {
      if (n.hi - n.lo != 1) return false;
      leaf(n.lo, to, add);
      return true;
    };
  };
  evaluate(node, leaf_at(false), length, out, leaf_at(true));
}

void combine_partial_sums(int64_t total, const std::vector<TreeNode> &nodes, const std::vector<const float *> &sums, int64_t begin,
                          int64_t end, float *out) {
  if (begin >= end) return; // no entries (and pointers to them may be null)
  std::map<std::pair<int64_t, int64_t>, const float *> at;
  for (size_t i = 0; i < nodes.size(); ++i) at[{nodes[i].lo, nodes[i].hi}] = sums[i];
  evaluate(
      {0, total},
      [&](TreeNode n, float *to) {
        auto it = at.find({n.lo, n.hi});
        if (it == at.end()) return false;
        std::copy(it->second, it->second + (end - begin), to);
        return true;
      },
      end - begin, out);
}

Range share_of(int64_t total, int rank, int processes) { return {total * rank / processes, total * (rank + 1) / processes}; }

} // namespace aec::runtime
