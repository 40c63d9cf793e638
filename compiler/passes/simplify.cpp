// The algebraic passes feed each other (a closed form exposes a product to reassociate, a
// reassociated product an identity to drop): simplify runs them in order, again and again, until
// a whole round changes nothing.
#include "passes/rules.h"

#include <stdexcept>

namespace aec::passes {

const std::vector<Pass> &algebraic_passes() {
  static const std::vector<Pass> passes = {
      {"canonicalize", canonicalize},
      {"stabilize", stabilize},
      {"jacobian-closed-forms", jacobian_closed_forms},
      {"reassociate", reassociate},
  };
  return passes;
}

ir::Graph simplify(const ir::Graph &g, const PassOptions &o) {
  ir::Graph cur = g;
  for (int round = 0; round < kMaxSweeps; ++round) {
    ir::Graph before = cur;
    for (const Pass &p : algebraic_passes()) cur = p.run(cur, o);
    if (ir::same_graph(before, cur)) return cur;
  }
  throw std::logic_error("simplify did not reach a fixed point in " + std::to_string(kMaxSweeps) + " rounds");
}

} // namespace aec::passes
