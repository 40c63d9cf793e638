// The graph's text reads back (ir/text.h): every example's graphs make the round trip to the
// same graph and the same values, and malformed text is refused at its line and column.
#include "ir/algorithms.h"
#include "passes/passes.h"
#include "support/test_support.h"

#include <doctest/doctest.h>
#include <filesystem>

using namespace aec;

namespace {

ir::Graph parse(const std::string &text) { return ir::parse_text(driver::source_from_string("graph.txt", text)); }

// The first diagnostic of parsing `text`, as "line:col: message".
std::string refusal(const std::string &text) {
  try {
    parse(text);
  } catch (const CompileError &e) {
    const Diagnostic &d = e.diagnostics().front();
    return std::to_string(d.span.line) + ":" + std::to_string(d.span.col) + ": " + d.message;
  }
  return "accepted";
}

} // namespace

TEST_CASE("every example's forward, training and optimized graphs read back as the same graph") {
  int graphs = 0;
  for (auto &e : std::filesystem::directory_iterator(AEC_EXAMPLES_DIR)) {
    if (e.path().extension() != ".ae") continue;
    std::string name = e.path().stem().string();
    INFO(name);
    Model m = test::load_example(name, test::example_width(name, 12), test::small_overrides(name));
    ir::Graph training = driver::training_graph(m);
    for (const ir::Graph &g : {m.graph, training, passes::optimize(training)}) {
      ir::Graph dense = passes::remove_dead_nodes(g);
      ir::Graph back = parse(ir::to_text(dense));
      CHECK(ir::same_graph(back, dense));
      CHECK(ir::to_text(back) == ir::to_text(dense));
      ++graphs;
    }
    // And it computes the same numbers.
    ir::Graph back = parse(ir::to_text(training));
    auto bind = test::random_bindings<double>(m, training, 3, 11);
    auto a = eval::evaluate(training, {training.output("loss")}, bind)[0];
    auto b = eval::evaluate(back, {back.output("loss")}, bind)[0];
    CHECK(a(0, 0) == b(0, 0));
  }
  CHECK(graphs >= 3 * 15);
}

TEST_CASE("constants, flags, draws and symbolic dims survive the round trip") {
  const std::string text = "%0 = input x : [D] batched                                @2:7\n"
                           "%1 = const 0.1 : []\n"
                           "%2 = pow 0.3333333333333333 %0 : [D] batched\n"
                           "%3 = randn #4 : [D] batched\n"
                           "%4 = mul %1, %3 : [D] batched\n"
                           "%5 = add %2, %4 : [D] batched\n"
                           "%6 = param W : [3, D]\n"
                           "%7 = matmul {NT} %6, %6 : [3, 3]\n"
                           "%8 = matmul %6, %5 : [3] batched\n"
                           "%9 = matmul %7, %8 : [3] batched\n"
                           "%10 = sum %9 : [] batched\n"
                           "%11 = batch_mean %10 : []\n"
                           "loss = %11\n"
                           "out.code = %8\n";
  ir::Graph g = parse(text);
  CHECK(ir::to_text(g) == text);
  CHECK(g.node(2).attr.value == 1.0 / 3.0);
  CHECK(g.symbolic_dims == std::vector<std::string>{"D"});
}

TEST_CASE("malformed graph text is refused at its line and column") {
  const std::string x = "%0 = input x : [4] batched\n";
  CHECK(refusal(x + "%1 = frobnicate %0 : [4] batched\n") == "2:6: unknown op 'frobnicate'");
  CHECK(refusal(x + "%1 = add %0 : [4] batched\n") == "2:6: add takes 2 operands, got 1");
  CHECK(refusal(x + "%1 = exp %7 : [4] batched\n") == "2:10: %7 is not defined on an earlier line");
  CHECK(refusal(x + "%1 = exp %0 : [5] batched\n") == "2:15: the shape rule of exp gives [4], the text says [5]");
  CHECK(refusal(x + "%1 = exp %0 : [4]\n") == "2:15: the operands make this node batched, the text says not");
  CHECK(refusal(x + "%1 = param W : [3, 5]\n%2 = matmul %1, %0 : [3] batched\n") == "3:6: inner sizes differ in matmul");
  CHECK(refusal(x + "%0 = exp %0 : [4] batched\n") == "2:1: %0 is defined twice");
  CHECK(refusal(x + "%1 = exp %0 : [4, 4, 4, 4, 4] batched\n") == "2:28: a shape has at most four sizes");
  CHECK(refusal(x + "%1 = param K : [2, 1, 3, 3]\n%2 = reshape %0 : [1, 2, 2] batched\n%3 = conv %1, %2 : [2, 1, 1] batched\n") ==
        "4:11: expected 'stride'");
  CHECK(
      refusal(x +
              "%1 = param K : [2, 1, 3, 3]\n%2 = reshape %0 : [1, 2, 2] batched\n%3 = conv stride 0 pad 0 %1, %2 : [2, 1, 1] batched\n") ==
      "4:18: the stride must lie in [1, 65536]");
  CHECK(
      refusal(x +
              "%1 = param K : [2, 1, 3, 3]\n%2 = reshape %0 : [1, 2, 2] batched\n%3 = conv stride 1 pad 0 %1, %2 : [2, 1, 1] batched\n") ==
      "4:6: conv's window is larger than the padded image in conv");
  CHECK(refusal(x + "%1 = matmul {XY} %0, %0 : [] batched\n") == "2:16: expected transpose flags {NN}, {NT}, {TN} or {TT}");
  CHECK(refusal(x + "%1 = exp %0 : [4] batched extra\n") == "2:27: unexpected text after the node");
  CHECK(refusal(x + "loss = %3\n") == "2:8: %3 is not defined on an earlier line");
  CHECK(refusal(x + "loss = %0\nloss = %0\n") == "3:10: output loss is defined twice");
  CHECK(refusal(x + "%1 = exp %0 : [4] gathered\n") == "2:19: expected 'batched', '@line:col' or the end of the line");
  CHECK(refusal("; only a comment\n\n" + x) == "accepted");
}
