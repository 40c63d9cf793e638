// Param initializers of LANGUAGE.md, drawn from the training seed.
#pragma once
#include "sema/model.h"

#include <random>
#include <vector>

namespace aec::runtime {

// numel floats, column-major for matrices.
std::vector<float> initialize(const ParamInfo &p, std::mt19937_64 &rng);

} // namespace aec::runtime
