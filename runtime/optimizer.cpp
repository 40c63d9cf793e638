#include "runtime/optimizer.h"
#include "support/diagnostics.h"

#include <cmath>

namespace aec::runtime {

namespace {

class Sgd : public Optimizer {
public:
  explicit Sgd(float lr) : lr_(lr) {}
  size_t add(int64_t) override { return 0; }
  void step(size_t, float *p, const float *g, int64_t n) override {
    for (int64_t i = 0; i < n; ++i) p[i] -= lr_ * g[i];
  }

private:
  float lr_;
};

class Momentum : public Optimizer {
public:
  explicit Momentum(float lr) : lr_(lr) {}
  size_t add(int64_t n) override {
    velocity_.emplace_back(static_cast<size_t>(n), 0.0f);
    return velocity_.size() - 1;
  }
  // v = 0.9 v + g; p -= lr v
  void step(size_t k, float *p, const float *g, int64_t n) override {
    float *v = velocity_[k].data();
    for (int64_t i = 0; i < n; ++i) {
      v[i] = 0.9f * v[i] + g[i];
      p[i] -= lr_ * v[i];
    }
  }

private:
  float lr_;
  std::vector<std::vector<float>> velocity_;
};

class Adam : public Optimizer {
public:
  explicit Adam(float lr) : lr_(lr) {}
  size_t add(int64_t n) override {
    m_.emplace_back(static_cast<size_t>(n), 0.0f);
    v_.emplace_back(static_cast<size_t>(n), 0.0f);
    return m_.size() - 1;
  }
  void begin_step() override {
    ++t_;
    // Bias corrections folded into the step size: lr sqrt(1 - b2^t) / (1 - b1^t).
    step_size_ = static_cast<float>(lr_ * std::sqrt(1 - std::pow(0.999, t_)) / (1 - std::pow(0.9, t_)));
    eps_hat_ = static_cast<float>(1e-8 * std::sqrt(1 - std::pow(0.999, t_)));
  }
  void step(size_t k, float *p, const float *g, int64_t n) override {
    float *m = m_[k].data(), *v = v_[k].data();
    const float a = step_size_, e = eps_hat_;
    for (int64_t i = 0; i < n; ++i) {
      m[i] = 0.9f * m[i] + 0.1f * g[i];
      v[i] = 0.999f * v[i] + 0.001f * g[i] * g[i];
      p[i] -= a * m[i] / (std::sqrt(v[i]) + e);
    }
  }

private:
  double lr_;
  int64_t t_ = 0;
  float step_size_ = 0, eps_hat_ = 0;
  std::vector<std::vector<float>> m_, v_;
};

} // namespace

std::unique_ptr<Optimizer> make_optimizer(const std::string &name, double lr) {
  if (name == "sgd") return std::make_unique<Sgd>(static_cast<float>(lr));
  if (name == "momentum") return std::make_unique<Momentum>(static_cast<float>(lr));
  if (name == "adam") return std::make_unique<Adam>(static_cast<float>(lr));
  throw InputError("--optimizer " + name + ": expected sgd, momentum or adam");
}

} // namespace aec::runtime
