// Random valid .ae programs for differential tests: random dims, params (some per sample),
// a second input, hypers, functions (one of them differentiated as a Jacobian), named values, elementwise ops,
// products, inverses and solves, norms, losses, Jacobians df/dx, d(e)/d(x) and grad(e, x),
// unrolls, noise, batch statistics and images (convolutions, pooling, conv_t), typed so that every program checks. Values stay in ranges
// where float32 and finite differences are meaningful (denominators and logarithms are kept away from zero, matrices that are inverted are
// near the identity).
#pragma once
#include <cstdint>
#include <string>

namespace aec::test {

struct RandomProgram {
  std::string text;
  int64_t width; // the input's width (dim D), for the data
};

RandomProgram random_program(uint64_t seed);

} // namespace aec::test
