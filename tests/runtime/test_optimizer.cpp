// Optimizers on per-sample params: only the rows a batch touched move, each with its own state.
#include "runtime/optimizer.h"
#include "source/diagnostics.h"

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

using namespace aec::runtime;

TEST_CASE("step_rows moves only the rows of the batch, for every optimizer") {
  for (const char *name : {"sgd", "momentum", "adam"}) {
    INFO(name);
    auto opt = make_optimizer(name, 0.1);
    size_t k = opt->add_rows(4, 3);
    std::vector<float> p(12, 1.0f);
    const std::vector<float> g = {1, 2, 3, -1, -2, -3};
    const int64_t rows[] = {2, 0};
    opt->begin_step();
    opt->step_rows(k, p.data(), g.data(), 3, rows, 2);
    for (int i = 0; i < 3; ++i) {
      CHECK(p[size_t(3 + i)] == 1.0f); // row 1: untouched
      CHECK(p[size_t(9 + i)] == 1.0f); // row 3: untouched
      CHECK(p[size_t(6 + i)] < 1.0f);  // row 2 got the positive gradient row
      CHECK(p[size_t(i)] > 1.0f);      // row 0 the negative one
    }
  }
}

TEST_CASE("adam counts each row's own steps for its bias correction") {
  // A row stepped for the first time moves by lr per entry (m/sqrt(v) = sign(g) at t = 1), however
  // many steps the optimizer has taken before.
  auto opt = make_optimizer("adam", 0.01);
  size_t k = opt->add_rows(2, 2);
  std::vector<float> p(4, 0.0f);
  const std::vector<float> g = {0.5f, -4.0f};
  const int64_t row0[] = {0}, row1[] = {1};
  for (int step = 0; step < 5; ++step) {
    opt->begin_step();
    opt->step_rows(k, p.data(), g.data(), 2, row0, 1);
  }
  opt->begin_step();
  opt->step_rows(k, p.data(), g.data(), 2, row1, 1);
  CHECK(p[2] == doctest::Approx(-0.01).epsilon(1e-4).scale(0));
  CHECK(p[3] == doctest::Approx(0.01).epsilon(1e-4).scale(0));
  CHECK(p[0] == doctest::Approx(-0.05).epsilon(1e-3).scale(0)); // five steps of lr with a constant gradient
}

TEST_CASE("restore takes back a saved state and refuses another optimizer's or another layout's") {
  for (const char *name : {"sgd", "momentum", "adam"}) {
    INFO(name);
    auto saved = make_optimizer(name, 0.1);
    size_t k = saved->add(5);
    saved->add_rows(3, 2);
    std::vector<float> p(5, 1.0f), g = {1, 2, 3, 4, 5};
    saved->begin_step();
    saved->step(k, p.data(), g.data(), 5);
    OptimizerState s = saved->state();

    auto same = make_optimizer(name, 0.1);
    same->add(5);
    same->add_rows(3, 2);
    same->restore(s);
    OptimizerState back = same->state();
    CHECK(back.steps == s.steps);
    CHECK(back.arrays == s.arrays);
    CHECK(back.row_steps == s.row_steps);

    auto other_shape = make_optimizer(name, 0.1);
    other_shape->add(5);
    other_shape->add_rows(4, 2);                                            // another sample count
    if (std::string(name) == "sgd") CHECK_NOTHROW(other_shape->restore(s)); // sgd keeps no state
    else CHECK_THROWS_WITH_AS(other_shape->restore(s), doctest::Contains("does not match the program's params"), aec::InputError);

    auto other = make_optimizer(std::string(name) == "adam" ? "sgd" : "adam", 0.1);
    other->add(5);
    other->add_rows(3, 2);
    std::string why = "the checkpoint holds the state of optimizer " + std::string(name);
    CHECK_THROWS_WITH_AS(other->restore(s), doctest::Contains(why.c_str()), aec::InputError);
  }
}

namespace {

// Every optimizer's update written out as PyTorch documents it (torch.optim.SGD with momentum and
// dampening 0, torch.optim.Adam with bias corrections applied to m and v), in double, as the
// independent reference: aec folds Adam's corrections into the step size instead.
struct Reference {
  std::string name;
  double lr, m = 0, v = 0;
  int t = 0;
  double step(double p, double g) {
    ++t;
    if (name == "sgd") return p - lr * g;
    if (name == "momentum") {
      m = 0.9 * m + g;
      return p - lr * m;
    }
    m = 0.9 * m + 0.1 * g;
    v = 0.999 * v + 0.001 * g * g;
    const double m_hat = m / (1 - std::pow(0.9, t)), v_hat = v / (1 - std::pow(0.999, t));
    return p - lr * m_hat / (std::sqrt(v_hat) + 1e-8);
  }
};

} // namespace

TEST_CASE("every optimizer's steps match PyTorch's update rules on gradients that change sign and size") {
  const std::vector<double> grads = {0.5, -1.5, 2.0, 0.25, -0.75, 3.0, -0.1, 0.0, 1e-4, -2.5};
  for (const char *name : {"sgd", "momentum", "adam"}) {
    INFO(name);
    const double lr = 0.05;
    auto opt = make_optimizer(name, lr);
    size_t k = opt->add(2);
    std::vector<float> p = {1.0f, -2.0f};
    Reference ref[2] = {{name, lr}, {name, lr}};
    double expected[2] = {1.0, -2.0};
    for (size_t s = 0; s < grads.size(); ++s) {
      const std::vector<float> g = {float(grads[s]), float(-3 * grads[s])};
      for (int i = 0; i < 2; ++i) expected[i] = ref[i].step(expected[i], double(g[size_t(i)]));
      opt->begin_step();
      opt->step(k, p.data(), g.data(), 2);
      for (int i = 0; i < 2; ++i) CHECK(p[size_t(i)] == doctest::Approx(expected[i]).epsilon(2e-6).scale(0));
    }
  }
}

TEST_CASE("momentum's and adam's first steps by hand") {
  // momentum: v1 = g = 1, p = 1 - 0.1 = 0.9; v2 = 0.9 + 1 = 1.9, p = 0.9 - 0.19 = 0.71.
  auto momentum = make_optimizer("momentum", 0.1);
  size_t k = momentum->add(1);
  float p = 1.0f;
  const float g = 1.0f;
  momentum->step(k, &p, &g, 1);
  CHECK(p == doctest::Approx(0.9).scale(0));
  momentum->step(k, &p, &g, 1);
  CHECK(p == doctest::Approx(0.71).scale(0));
  // adam: m1 = 0.1 g, v1 = 0.001 g^2: m_hat / sqrt(v_hat) = sign(g), the step is lr; at t = 2
  // with g2 = -g1: m2 = 0.09 g - 0.1 g = -0.01 g, m_hat = -0.01 g / 0.19, v_hat = g^2 (both steps
  // have g^2), so the step is lr * 0.01 / 0.19 = lr / 19 upwards.
  auto adam = make_optimizer("adam", 0.1);
  k = adam->add(1);
  p = 0.0f;
  float g1 = 2.0f, g2 = -2.0f;
  adam->begin_step();
  adam->step(k, &p, &g1, 1);
  CHECK(p == doctest::Approx(-0.1).epsilon(1e-6).scale(0));
  adam->begin_step();
  adam->step(k, &p, &g2, 1);
  CHECK(p == doctest::Approx(-0.1 + 0.1 / 19).epsilon(1e-5).scale(0));
}

TEST_CASE("a step with the gradients scaled (clipping) is the step on the scaled gradients, bit for bit, for every optimizer") {
  for (const char *name : {"sgd", "momentum", "adam"}) {
    INFO(name);
    auto scaled = make_optimizer(name, 0.1), plain = make_optimizer(name, 0.1);
    const size_t a = scaled->add(7), b = plain->add(7);
    const size_t ra = scaled->add_rows(3, 7), rb = plain->add_rows(3, 7);
    std::vector<float> p(7, 0.5f), q(7, 0.5f), rows_p(21, 0.25f), rows_q(21, 0.25f);
    const std::vector<float> g = {0.3f, -1.7f, 2.9f, 1e-3f, -4.1f, 0.77f, 5.5f};
    const int64_t row[] = {1};
    for (int step = 0; step < 3; ++step) {
      const float scale = 0.37f + 0.21f * float(step);
      std::vector<float> scaled_g(g.size());
      for (size_t i = 0; i < g.size(); ++i) scaled_g[i] = g[i] * scale;
      scaled->begin_step(scale);
      scaled->step(a, p.data(), g.data(), 7);
      scaled->step_rows(ra, rows_p.data(), g.data(), 7, row, 1);
      plain->begin_step();
      plain->step(b, q.data(), scaled_g.data(), 7);
      plain->step_rows(rb, rows_q.data(), scaled_g.data(), 7, row, 1);
    }
    CHECK(p == q);
    CHECK(rows_p == rows_q);
    CHECK(p != std::vector<float>(7, 0.5f));
  }
}
