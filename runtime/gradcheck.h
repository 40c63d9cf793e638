// Checks a program's symbolic gradients: each param's gradient, from the differentiated graph
// evaluated in double precision with the noise draws held fixed, against finite differences of
// the loss (eval/finite_difference.h) on a sample of its entries. The point is each param's
// initial value plus N(0, kPerturbation^2) noise, so that no term vanishes at the check.
#pragma once
#include "runtime/dataset.h"
#include "sema/model.h"
#include "support/eigen.h"

#include <string>
#include <vector>

namespace aec::runtime {

inline constexpr double kPerturbation = 0.1;

struct GradcheckEntry {
  std::string param;
  size_t entries_checked;
  double relative_error; // ||symbolic - numeric|| / ||numeric|| over the checked entries
  bool unused = false;   // the objective never reads it: its symbolic gradient must be exactly zero
};

// Params drawn from their initializers with seed 1 (then perturbed); the first `samples`
// samples of `data`.
// ||symbolic - numeric|| / ||numeric||, or ||symbolic|| where the numeric gradient is zero.
double gradient_error(const Eigen::VectorXd &symbolic, const Eigen::VectorXd &numeric);

std::vector<GradcheckEntry> gradcheck(const Model &m, const Dataset &data, int64_t samples, int64_t entries_per_param);

} // namespace aec::runtime
