// The reference evaluator: runs a graph node by node with plain Eigen, in double or float.
// It defines what a graph means; the JIT and every pass are checked against it.
#pragma once
#include "ir/graph.h"

#include "support/eigen.h"
#include <map>
#include <string>
#include <vector>

namespace aec::eval {

template <class T> using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;

// Every value is stored as numel x columns: one column per sample when batched, one column
// otherwise; a per-sample matrix is flattened column-major into its column.
template <class T> struct Bindings {
  Mat<T> input;                         // width x batch: the input (of a program with one), or any not in `inputs`
  std::map<std::string, Mat<T>> inputs; // by name, for several inputs
  std::map<std::string, Mat<T>> params; // numel x 1, or numel x batch for per-sample params
  std::map<int64_t, Mat<T>> noise;      // by draw id: numel x batch; a missing draw is its mean
};

template <class T> std::vector<Mat<T>> evaluate(const ir::Graph &g, const std::vector<ir::NodeId> &roots, const Bindings<T> &b);

extern template std::vector<Mat<double>> evaluate(const ir::Graph &, const std::vector<ir::NodeId> &, const Bindings<double> &);
extern template std::vector<Mat<float>> evaluate(const ir::Graph &, const std::vector<ir::NodeId> &, const Bindings<float> &);

// The value a noise draw takes outside training (its expectation): 0 for randn, 1/2 for rand,
// p for bernoulli.
double noise_mean(const ir::Node &n);

} // namespace aec::eval
