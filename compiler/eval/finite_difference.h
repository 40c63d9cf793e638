// Numerical derivatives for checking symbolic ones: the fourth-order central stencil
//   f'(x) ~ (-f(x+2h) + 8 f(x+h) - 8 f(x-h) + f(x-2h)) / 12h,
// whose truncation error is O(h^4), so h can be large enough that roundoff stays far below
// even the tiny gradients deep in a sigmoid stack.
#pragma once
#include <algorithm>
#include <cmath>

namespace aec::eval {

template <class F> double central_difference(double &x, F &&f) {
  const double saved = x, h = 1e-3 * std::max(1.0, std::abs(saved));
  auto at = [&](double v) {
    x = v;
    return f();
  };
  double d = (-at(saved + 2 * h) + 8 * at(saved + h) - 8 * at(saved - h) + at(saved - 2 * h)) / (12 * h);
  x = saved;
  return d;
}

} // namespace aec::eval
