// The one way a model becomes a kernel: every caller (train, run, compile, the API) asks here,
// with its options as arguments. compile.cpp's body is the compiler's table of contents.
#pragma once
#include "codegen/kernel.h"
#include "passes/passes.h"
#include "sema/model.h"

#include <memory>
#include <ostream>
#include <string>
#include <vector>

namespace aec::driver {

// What becomes of the program's batch statistics (batch_mean, Model::batch_statistics).
enum class Statistics {
  OfTheBatch, // each one the mean over the samples the kernel runs on: a training step
  // Each one a param of its name, bound to its average over training: evaluation outside
  // training, where a batch is no sample.
  Fixed,
  // Each one a param of its name that the runtime sets before a training step's chunks run
  // (runtime/chunked_statistics.h), for a batch cut into chunks across processes. Adds the
  // outputs "stat_mean.NAME", the mean over the kernel's samples of the statistic's per-sample
  // value (the statistics it reads held at their params), and "surrogate" = loss + the sum over
  // the statistics of sum(cotangent.NAME .* stat_mean.NAME), "cotangent.NAME" a param. With every
  // cotangent the loss's total derivative by its statistic, the surrogate's gradient is the
  // loss's. Gradients are the surrogate's, also by each statistic ("grad.NAME").
  Chunked,
};

// What to compile from a model.
struct Request {
  std::string name;                 // the kernel's name ("train_step", "objective", "run", "fit")
  bool gradients = false;           // add "grad.P", the gradient of "loss", for every param P
  std::vector<std::string> outputs; // the outputs to compute; empty: every one
  Statistics statistics = Statistics::OfTheBatch;

  // Every output and every gradient: what a training step runs.
  static Request training_step() { return {"train_step", true, {}, Statistics::OfTheBatch}; }
  // Some of the forward graph's outputs ("objective", "out.code").
  static Request forward(std::string name, std::vector<std::string> outputs) {
    return {std::move(name), false, std::move(outputs), Statistics::OfTheBatch};
  }
};

struct Options {
  passes::PassOptions passes;
  codegen::CodegenOptions codegen;
  // Writes the graph after the stage of this name (one of stage_names()) to `trace`.
  std::string print_after;
  std::ostream *trace = nullptr;
};

// The stages a graph passes through, in order, by the names --print-after takes.
std::vector<std::string> stage_names();

// The stages up to the optimized graph (what `aec compile --emit=opt` prints).
ir::Graph optimized_graph(const Model &m, const Request &what, const Options &options);
// Every stage: the optimized graph, then its schedule, LLVM IR and machine code.
std::unique_ptr<codegen::Kernel> compile(const Model &m, const Request &what, const Options &options);

} // namespace aec::driver
