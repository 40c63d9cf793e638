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

// What to compile from a model.
struct Request {
  std::string name;                 // the kernel's name ("train_step", "objective", "run", "fit")
  bool gradients = false;           // add "grad.P", the gradient of "loss", for every param P
  std::vector<std::string> outputs; // the outputs to compute; empty: every one
  // Every batch statistic (batch_mean) becomes a param of its name, bound to its average over
  // training (Model::batch_statistics): evaluation outside training, where a batch is no sample.
  bool fixed_batch_statistics = false;

  // Every output and every gradient: what a training step runs.
  static Request training_step() { return {"train_step", true, {}, false}; }
  // Some of the forward graph's outputs ("objective", "out.code").
  static Request forward(std::string name, std::vector<std::string> outputs) { return {std::move(name), false, std::move(outputs), false}; }
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
