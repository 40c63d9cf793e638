// The front of the driver: source -> ast -> model (sema), and the graph-level stages that
// compile.h strings together (differentiation, choosing outputs).
#pragma once
#include "sema/model.h"

#include <string>
#include <vector>

namespace aec::driver {

SourcePtr read_source(const std::string &path); // throws InputError when unreadable
SourcePtr source_from_string(const std::string &name, const std::string &text);

// Each throws a CompileError that carries `source`, so it renders with carets.
ast::Program parse(const SourcePtr &source);
// parse + sema.
Model load_model(const SourcePtr &source, const ElaborateOptions &opts);

// `g` (a forward graph of `m`) plus one output "grad.P" per param P: the gradient of "loss".
ir::Graph add_gradients(const Model &m, const ir::Graph &g);
// `g` plus one output "grad.P" per param P of `params`: the gradient of the output `root`.
ir::Graph add_gradients(const ir::Graph &g, const std::string &root, const std::vector<ParamInfo> &params);
// The forward graph with its gradients, for checks that evaluate it (gradcheck, the search for
// where a NaN arose). Unless `simplify_first` is false (tests comparing against the plain
// derivative), the forward graph is simplified before it is differentiated, as compile() does.
ir::Graph training_graph(const Model &m, bool simplify_first = true);

// A graph restricted to the named outputs (e.g. {"loss"} or {"out.code"}).
ir::Graph select_outputs(const ir::Graph &g, const std::vector<std::string> &names);

} // namespace aec::driver
