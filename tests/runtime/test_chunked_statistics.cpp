// Batch statistics in a batch cut into chunks, as data-parallel training runs it
// (runtime/chunked_statistics.h): the loss, every gradient and every statistic of such a step are
// the plain step's (one kernel run over the whole batch) up to rounding, for statistics that read
// other statistics, noise and per-sample params; and they do not depend on how the chunks are
// shared out, which tests/mpi/data_parallel.sh checks bit for bit.
#include "driver/driver.h"
#include "runtime/batch_gradient.h"
#include "runtime/chunked_statistics.h"
#include "runtime/init.h"
#include "runtime/synthetic.h"
#include "support/test_support.h"

#include <doctest/doctest.h>

#include <cmath>
#include <numeric>
#include <optional>

using namespace aec;
using namespace aec::runtime;

namespace {

// Batch normalization: the variance reads the mean (two levels); a per-sample code; noise.
const char *kBatchNorm = "dim D\ninput x : [D]\n"
                         "param W : [5, D] = glorot\nparam gamma : [5] = ones\nparam beta : [5] = normal(0.1)\n"
                         "param V : [D, 5] = glorot\nparam z : [5] per sample = normal(0.1)\n"
                         "xt = x + 0.2 * randn(D)\n"
                         "a = W * xt\n"
                         "mu = batch_mean(a)\n"
                         "centered = a - mu\n"
                         "var = batch_mean(centered .* centered)\n"
                         "h = tanh(gamma .* centered ./ sqrt(var + 0.01) + beta)\n"
                         "minimize ||x - V * (h + z)||^2 + sum(mu .* mu)\n";

struct Step {
  double loss;
  std::vector<std::vector<float>> grads, statistics;
};

// One training step over the first `batch` samples, from params drawn from seed 7, noise from
// seed 11.
Step step_of(const Model &m, const Dataset &d, int64_t batch, bool chunked) {
  ParamStore params;
  std::mt19937_64 init(7);
  for (const ParamInfo &p : m.params) params[p.name] = initialize_storage(p, d.n, init);
  auto kernel =
      driver::compile(m, chunked ? ChunkedStatistics::step_request(m) : driver::Request::training_step(), kernel_options(batch, 1));
  Executor ex(*kernel, batch);
  bind_shared_params(ex, m, params);
  std::optional<ChunkedStatistics> statistics;
  if (chunked) {
    statistics.emplace(m, StepComputer::chunk_samples(batch), 1);
    statistics->bind(ex, params);
  }
  const World alone_in_chunks = World::alone_in_chunks();
  StepComputer steps(m, ex, chunked ? alone_in_chunks : World::get(), batch, statistics ? &*statistics : nullptr);
  std::vector<int64_t> order(size_t(d.n));
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 noise(11);
  BatchGradient g = steps.compute(d, params, order, 0, batch, noise);
  Step s{g.loss, {}, {}};
  for (size_t k = 0; k < m.params.size(); ++k) {
    const ParamInfo &p = m.params[k];
    s.grads.emplace_back(g.grad[k], g.grad[k] + p.shape.numel() * (p.per_sample ? batch : 1));
  }
  for (size_t k = 0; k < m.batch_statistics.size(); ++k)
    s.statistics.emplace_back(g.statistics[k], g.statistics[k] + m.batch_statistics[k].shape.numel());
  return s;
}

double relative_error(const std::vector<float> &a, const std::vector<float> &b) {
  double diff = 0, norm = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff += (double(a[i]) - b[i]) * (double(a[i]) - b[i]);
    norm += double(b[i]) * b[i];
  }
  return std::sqrt(diff / std::max(norm, 1e-30));
}

void check_chunked_step_is_the_plain_one(const Model &m, const Dataset &d, int64_t batch) {
  REQUIRE(batch % StepComputer::chunk_samples(batch) != 0); // a last chunk shorter than the others
  REQUIRE(batch > StepComputer::chunk_samples(batch));
  const Step plain = step_of(m, d, batch, false), chunked = step_of(m, d, batch, true);
  CHECK(chunked.loss == doctest::Approx(plain.loss).epsilon(1e-5));
  for (size_t k = 0; k < m.params.size(); ++k) {
    INFO("the gradient of ", m.params[k].name);
    CHECK(relative_error(chunked.grads[k], plain.grads[k]) < 1e-5);
  }
  for (size_t k = 0; k < m.batch_statistics.size(); ++k) {
    INFO(m.batch_statistics[k].name);
    CHECK(relative_error(chunked.statistics[k], plain.statistics[k]) < 1e-5);
  }
}

} // namespace

TEST_CASE("a statistic reading another is a level above it") {
  Model m = test::load_text(kBatchNorm, 10);
  REQUIRE(m.batch_statistics.size() == 2);
  CHECK(m.batch_statistics[0].level == 1); // mu
  CHECK(m.batch_statistics[1].level == 2); // var
}

TEST_CASE("a step cut into chunks has the plain step's statistics, loss and gradients: the sparse autoencoder's rho_hat") {
  Model m = test::load_example("sparse_ae_kl", 12, {{"k", "6"}});
  Dataset d = synthetic_dataset("synthetic:lowrank?n=150&d=12&rank=3");
  check_chunked_step_is_the_plain_one(m, d, 100);
}

TEST_CASE("a step cut into chunks has the plain step's statistics, loss and gradients: batch normalization with noise and codes") {
  Model m = test::load_text(kBatchNorm, 10);
  Dataset d = synthetic_dataset("synthetic:lowrank?n=300&d=10&rank=3");
  check_chunked_step_is_the_plain_one(m, d, 100);
  check_chunked_step_is_the_plain_one(m, d, 300); // chunks of 38
}
