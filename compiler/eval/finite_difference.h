// Numerical derivatives for checking symbolic ones: the fourth-order central stencil
//   f'(x) ~ (-f(x+2h) + 8 f(x+h) - 8 f(x-h) + f(x-2h)) / 12h,
// whose truncation error is O(h^4), so h can be large enough that roundoff stays far below
// even the tiny gradients deep in a sigmoid stack. Near a kink (relu, abs) a large step
// straddles it; the step shrinks until two consecutive sizes agree, i.e. the function is
// smooth at that scale.
#pragma once
#include <algorithm>
#include <cmath>

namespace aec::eval {

template <class F> double central_difference(double &x, F &&f) {
  const double saved = x, scale = std::max(1.0, std::abs(saved));
  auto at = [&](double v) {
    x = v;
    return f();
  };
  auto stencil = [&](double h) { return (-at(saved + 2 * h) + 8 * at(saved + h) - 8 * at(saved - h) + at(saved - 2 * h)) / (12 * h); };
  const double f0 = std::abs(f());
  double prev = stencil(1e-3 * scale), result = prev;
  for (double h = 1e-4; h >= 1e-7; h /= 10) {
    double cur = stencil(h * scale);
    // Smooth at this scale: the two agree up to truncation and the smaller step's roundoff.
    double roundoff = 1e-14 * f0 / (h * scale);
    bool agree = std::abs(cur - prev) <= 1e-5 * std::max(std::abs(cur), std::abs(prev)) + roundoff;
    // When they agree, the larger step's error is about their difference (its truncation) and the
    // smaller step's about its roundoff: take whichever is smaller.
    result = agree && std::abs(cur - prev) <= roundoff ? prev : cur;
    if (agree) break;
    prev = cur;
  }
  x = saved;
  return result;
}

} // namespace aec::eval
