// What the front end hands to the rest of the compiler: the forward graph of one .ae program
// (outputs "loss" and "out.NAME") plus its declarations.
#pragma once
#include "ast/ast.h"
#include "ir/graph.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace aec {

struct ParamInfo {
  std::string name;
  ir::Shape shape;
  bool per_sample = false;
  std::string init; // zeros, ones, const, normal, uniform, glorot, orthogonal, identity
  std::vector<double> init_args;
  Span span;
  bool affects_objective = true; // false: the objective never reads it (its gradient is zero)
};

// An `input`: one sample of a data source bound to it by name.
struct InputInfo {
  std::string name;
  ir::Size width = 0; // as declared (concrete once data is bound, or a literal)
  std::string dim;    // the dim its size names, when it names one
  Span span;
};

struct CheckInfo {
  std::string kind;  // "pca"
  std::string param; // the matrix whose span is checked
  Span span;
};

// A `batch_mean(e)`: shared by the samples of a training batch; after training, the average of
// its batch values over the last epoch stands in for it (aec run). The forward graph has it as the
// output "stat.NAME", a BatchMean node whose attr.id is the statistic's number (1, 2, ...).
struct BatchStatistic {
  std::string name; // "batch_mean.1", ...
  ir::Shape shape;
  Span span;
  int level = 1; // 1 + the highest level of the statistics its per-sample value reads (batch normalization's variance: 2)
};

struct TrainOptionValue {
  std::string value;
  Span span;
};

struct Model {
  SourcePtr source;
  std::map<std::string, std::string> overrides; // the --set values it was elaborated with
  ir::Graph graph;
  // In declaration order. The first is the data `center` and `check pca` speak of.
  std::vector<InputInfo> inputs;
  const InputInfo &first_input() const { return inputs.front(); }
  const InputInfo *input(const std::string &name) const;
  std::vector<ParamInfo> params;
  std::vector<CheckInfo> checks;
  std::map<std::string, TrainOptionValue> train; // validated `train` defaults
  std::map<std::string, ir::Size> dims;
  std::map<std::string, double> hypers;
  std::vector<std::string> outputs;             // names of `output` statements, in order
  std::vector<BatchStatistic> batch_statistics; // those the objective or an output reads

  const ParamInfo *param(const std::string &name) const;
};

struct ElaborateOptions {
  // Width of one sample of the first input's data (the only input's, usually), when known. Without it, a
  // data-bound dim stays symbolic (enough for `aec check`); with it every size is concrete and
  // the graph can be compiled.
  std::optional<ir::Size> data_width;
  // The width of the source bound to each input by name (several inputs); a width of 1 bound to
  // an input declared wider is a source of class ids.
  std::map<std::string, ir::Size> input_widths;
  std::map<std::string, std::string> overrides; // --set name=value
};

// Names, shapes and every user-facing check, producing the forward graph. Throws CompileError.
Model elaborate(const ast::Program &program, const ElaborateOptions &opts);

} // namespace aec
