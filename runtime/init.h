// Param initializers of LANGUAGE.md, drawn from the training seed.
#pragma once
#include "sema/model.h"

#include <random>
#include <vector>

namespace aec::runtime {

// numel floats, column-major for matrices.
std::vector<float> initialize(const ParamInfo &p, std::mt19937_64 &rng);

// A param's whole storage: numel floats, or for a `per sample` param one row of numel floats per
// sample (n rows, each drawn from the initializer).
std::vector<float> initialize_storage(const ParamInfo &p, int64_t samples, std::mt19937_64 &rng);

} // namespace aec::runtime
