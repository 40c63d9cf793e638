// The rule table of passes/simplify.cpp: golden graph text for each rule (the forward graph of a
// small program before and after), and values preserved on every example's training graph.
#include "ir/algorithms.h"
#include "passes/passes.h"
#include "support/test_support.h"

#include <doctest/doctest.h>
#include <filesystem>

using namespace aec;

namespace {

std::string simplified(const std::string &program) {
  Model m = test::load_text(program, 4);
  return ir::to_text(passes::simplify(driver::select_outputs(m.graph, {"loss"})));
}

} // namespace

TEST_CASE("golden: identities, cancellations and constant folding") {
  CHECK(simplified("dim D\ninput x : [D]\nparam A : [D, D] = identity\n"
                   "minimize sum(-(-(x * 1 + 0)) / 1 - 0) * (2 * 3) + sum((A')' * (eye(D) * x))\n") ==
        "%0 = param A : [4, 4]                                     @3:7\n"
        "%1 = input x : [4] batched                                @2:7\n"
        "%2 = sum %1 : [] batched                                  @4:10\n"
        "%3 = const 6 : []                                       \n"
        "%4 = mul %2, %3 : [] batched                              @4:39\n"
        "%5 = matmul %0, %1 : [4] batched                          @4:61\n"
        "%6 = sum %5 : [] batched                                  @4:51\n"
        "%7 = add %4, %6 : [] batched                              @4:49\n"
        "%8 = batch_mean %7 : []                                   @4:10\n"
        "loss = %8\n");
}

TEST_CASE("golden: ||df/dx||_F^2 of one layer becomes sum(s'(a)^2 .* rowsum(W .* W))") {
  CHECK(simplified("dim D\ninput x : [D]\nparam W : [3, D] = glorot\nparam b : [3] = zeros\n"
                   "f(x) = tanh(W * x + b)\nminimize ||df/dx||_F^2\n") ==
        "%0 = param W : [3, 4]                                     @3:7\n"
        "%1 = param b : [3]                                        @4:7\n"
        "%2 = input x : [4] batched                                @2:7\n"
        "%3 = const 1 : []                                       \n"
        "%4 = matmul %0, %2 : [3] batched                          @5:15\n"
        "%5 = add %4, %1 : [3] batched                             @5:19\n"
        "%6 = tanh %5 : [3] batched                                @5:8\n"
        "%7 = square %6 : [3] batched                              @5:8\n"
        "%8 = sub %3, %7 : [3] batched                             @5:8\n"
        "%9 = square %0 : [3, 4]                                   @6:10\n"
        "%10 = row_sum %9 : [3]                                    @6:10\n"
        "%11 = square %8 : [3] batched                             @6:10\n"
        "%12 = mul %11, %10 : [3] batched                          @6:10\n"
        "%13 = sum %12 : [] batched                                @6:10\n"
        "%14 = batch_mean %13 : []                                 @6:10\n"
        "loss = %14\n");
}

TEST_CASE("golden: a two-layer Jacobian norm goes through the shared Gram matrix W W'") {
  CHECK(simplified("dim D\ninput x : [D]\nparam W : [3, D] = glorot\nparam V : [2, 3] = glorot\n"
                   "f(x) = sigmoid(V * tanh(W * x))\nminimize ||df/dx||_F^2\n") ==
        "%0 = param W : [3, 4]                                     @3:7\n"
        "%1 = param V : [2, 3]                                     @4:7\n"
        "%2 = input x : [4] batched                                @2:7\n"
        "%3 = const 1 : []                                       \n"
        "%4 = matmul %0, %2 : [3] batched                          @5:27\n"
        "%5 = tanh %4 : [3] batched                                @5:20\n"
        "%6 = matmul %1, %5 : [2] batched                          @5:18\n"
        "%7 = sigmoid %6 : [2] batched                             @5:8\n"
        "%8 = square %5 : [3] batched                              @5:20\n"
        "%9 = sub %3, %8 : [3] batched                             @5:20\n"
        "%10 = sub %3, %7 : [2] batched                            @5:8\n"
        "%11 = mul %7, %10 : [2] batched                           @5:8\n"
        "%12 = transpose %1 : [3, 2]                               @6:10\n"
        "%13 = col_broadcast %9 : [3, 2] batched                   @6:10\n"
        "%14 = mul %13, %12 : [3, 2] batched                       @6:10\n"
        "%15 = matmul {NT} %0, %0 : [3, 3]                         @6:10\n"
        "%16 = matmul %15, %14 : [3, 2] batched                    @6:10\n"
        "%17 = mul %14, %16 : [3, 2] batched                       @6:10\n"
        "%18 = col_sum %17 : [2] batched                           @6:10\n"
        "%19 = square %11 : [2] batched                            @6:10\n"
        "%20 = mul %19, %18 : [2] batched                          @6:10\n"
        "%21 = sum %20 : [] batched                                @6:10\n"
        "%22 = batch_mean %21 : []                                 @6:10\n"
        "loss = %22\n");
}

TEST_CASE("log(sigmoid(a)) and log(1 - sigmoid(a)) stay finite for saturated logits") {
  Model m = test::load_text("dim D\ninput x : [D]\nminimize sum(log(sigmoid(100 * x)) + log(1 - sigmoid(100 * x)))\n", 4);
  ir::Graph g = passes::optimize(driver::training_graph(m));
  eval::Bindings<double> bind;
  bind.input = eval::Mat<double>::Constant(4, 2, 9.0); // logits of 900: sigmoid rounds to 1
  bind.input(0, 1) = -9.0;
  double loss = eval::evaluate(g, {g.output("loss")}, bind)[0](0, 0);
  CHECK(std::isfinite(loss));
  CHECK(loss == doctest::Approx(-3600.0)); // log s(a) + log(1 - s(a)) = -|a| - log(1 + e^-|a|): -900 per entry
}

TEST_CASE("simplification and the whole pipeline preserve every example's values and gradients") {
  std::vector<std::string> names;
  for (auto &e : std::filesystem::directory_iterator(AEC_EXAMPLES_DIR))
    if (e.path().extension() == ".ae") names.push_back(e.path().stem().string());
  CHECK(names.size() >= 18);
  for (const std::string &name : names) {
    INFO(name);
    Model m = test::load_example(name, 12, test::small_overrides(name));
    // Differentiated without simplifying first, against the simplified and optimized graph.
    ir::Graph plain = driver::training_graph(m, false);
    ir::Graph optimized = passes::optimize(driver::training_graph(m));
    passes::verify(optimized);
    auto bind = test::random_bindings<double>(m, plain, 4, 5);
    for (const ir::Output &o : plain.outputs) {
      INFO(o.name);
      auto a = eval::evaluate(plain, {o.node}, bind)[0];
      auto b = eval::evaluate(optimized, {optimized.output(o.name)}, bind)[0];
      CHECK(test::relative_error(b, a) < 1e-10);
    }
  }
}
