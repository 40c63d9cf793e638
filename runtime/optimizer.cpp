#include "runtime/optimizer.h"
#include "runtime/cpu_dispatch.h"
#include "source/diagnostics.h"
#include "support/train_options.h"

#include <cmath>

namespace aec::runtime {

namespace {

// The updates, one loop each over n floats (the optimizers' whole cost per step), of the gradient
// scaled by `s` (clipping; 1 leaves every bit of g as it is).
AEC_CPU_DISPATCH void sgd_update(float *p, const float *g, int64_t n, float s, float lr) {
  for (int64_t i = 0; i < n; ++i) p[i] -= lr * (g[i] * s);
}

// v = 0.9 v + g; p -= lr v
AEC_CPU_DISPATCH void momentum_update(float *v, float *p, const float *g, int64_t n, float s, float lr) {
  for (int64_t i = 0; i < n; ++i) {
    v[i] = 0.9f * v[i] + g[i] * s;
    p[i] -= lr * v[i];
  }
}

// m = 0.9 m + 0.1 g; v = 0.999 v + 0.001 g^2; p -= step m / (sqrt(v) + eps)
AEC_CPU_DISPATCH void adam_update(float *m, float *v, float *p, const float *g, int64_t n, float s, float step, float eps) {
  for (int64_t i = 0; i < n; ++i) {
    const float gi = g[i] * s;
    m[i] = 0.9f * m[i] + 0.1f * gi;
    v[i] = 0.999f * v[i] + 0.001f * gi * gi;
    p[i] -= step * m[i] / (std::sqrt(v[i]) + eps);
  }
}

using Arrays = std::vector<std::vector<float>>;
using RowSteps = std::vector<std::vector<int64_t>>;

// The saved state has this optimizer's name and, array by array, its sizes: `mine` are its
// arrays in the order state() lists them (compared in place, not copied).
void check_same_layout(const OptimizerState &saved, const std::string &name, std::initializer_list<const Arrays *> mine,
                       const RowSteps &row_steps) {
  if (saved.name != name) throw InputError("the checkpoint holds the state of optimizer " + saved.name + ", but this run uses " + name);
  size_t k = 0;
  bool same = saved.row_steps.size() == row_steps.size();
  for (const Arrays *group : mine)
    for (const std::vector<float> &a : *group) same = same && k < saved.arrays.size() && saved.arrays[k++].size() == a.size();
  same = same && k == saved.arrays.size();
  for (size_t i = 0; same && i < row_steps.size(); ++i) same = saved.row_steps[i].size() == row_steps[i].size();
  if (!same)
    throw InputError("the checkpoint's " + saved.name + " state does not match the program's params (other shapes or sample count)");
}

class Sgd : public Optimizer {
public:
  explicit Sgd(float lr) : lr_(lr) {}
  size_t add(int64_t) override { return 0; }
  void step(size_t, float *p, const float *g, int64_t n) override { sgd_update(p, g, n, scale_, lr_); }
  size_t add_rows(int64_t, int64_t) override { return 0; }
  void step_rows(size_t k, float *p, const float *g, int64_t width, const int64_t *rows, int64_t count) override {
    for (int64_t r = 0; r < count; ++r) step(k, p + rows[r] * width, g + r * width, width);
  }
  void set_lr(double lr) override { lr_ = static_cast<float>(lr); }
  OptimizerState state() const override { return {"sgd", 0, {}, {}}; }
  void restore(const OptimizerState &s) override { check_same_layout(s, "sgd", {}, {}); }

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
  void step(size_t k, float *p, const float *g, int64_t n) override { momentum_update(velocity_[k].data(), p, g, n, scale_, lr_); }
  size_t add_rows(int64_t rows, int64_t width) override { return add(rows * width); }
  void step_rows(size_t k, float *p, const float *g, int64_t width, const int64_t *rows, int64_t count) override {
    for (int64_t r = 0; r < count; ++r)
      momentum_update(velocity_[k].data() + rows[r] * width, p + rows[r] * width, g + r * width, width, scale_, lr_);
  }
  void set_lr(double lr) override { lr_ = static_cast<float>(lr); }
  OptimizerState state() const override { return {"momentum", 0, velocity_, {}}; }
  void restore(const OptimizerState &s) override {
    check_same_layout(s, "momentum", {&velocity_}, {});
    velocity_ = s.arrays;
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
  void begin_step(float gradient_scale) override {
    ++t_;
    scale_ = gradient_scale;
  }
  void step(size_t k, float *p, const float *g, int64_t n) override { update(m_[k].data(), v_[k].data(), p, g, n, t_); }
  size_t add_rows(int64_t rows, int64_t width) override {
    row_steps_.resize(m_.size() + 1);
    row_steps_.back().assign(static_cast<size_t>(rows), 0);
    return add(rows * width);
  }
  void step_rows(size_t k, float *p, const float *g, int64_t width, const int64_t *rows, int64_t count) override {
    for (int64_t r = 0; r < count; ++r) {
      int64_t row = rows[r], off = row * width;
      update(m_[k].data() + off, v_[k].data() + off, p + off, g + r * width, width, ++row_steps_[k][size_t(row)]);
    }
  }
  void set_lr(double lr) override { lr_ = lr; }
  // Arrays: the first moments of every slot, then the second moments.
  OptimizerState state() const override {
    OptimizerState s{"adam", t_, m_, row_steps_};
    s.arrays.insert(s.arrays.end(), v_.begin(), v_.end());
    return s;
  }
  void restore(const OptimizerState &s) override {
    check_same_layout(s, "adam", {&m_, &v_}, row_steps_);
    t_ = s.steps;
    m_.assign(s.arrays.begin(), s.arrays.begin() + long(m_.size()));
    v_.assign(s.arrays.begin() + long(m_.size()), s.arrays.end());
    row_steps_ = s.row_steps;
  }

private:
  double lr_;
  int64_t t_ = 0;
  std::vector<std::vector<float>> m_, v_;
  std::vector<std::vector<int64_t>> row_steps_; // by index: each row's own step count (per-sample params)

  // One Adam update at step t, bias corrections folded into the step size:
  // lr sqrt(1 - b2^t) / (1 - b1^t), and eps scaled to match.
  void update(float *m, float *v, float *p, const float *g, int64_t n, int64_t t) {
    const float a = static_cast<float>(lr_ * std::sqrt(1 - std::pow(0.999, t)) / (1 - std::pow(0.9, t)));
    const float e = static_cast<float>(1e-8 * std::sqrt(1 - std::pow(0.999, t)));
    adam_update(m, v, p, g, n, scale_, a, e);
  }
};

} // namespace

// Eight sums, one per lane, each in order, then added: the same bits at any vector width (the
// file is built without contraction into fused multiply-adds).
AEC_CPU_DISPATCH double sum_of_squares(const float *g, int64_t n) {
  double lanes[8] = {};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int k = 0; k < 8; ++k) lanes[k] += double(g[i + k]) * double(g[i + k]);
  double s = 0;
  for (; i < n; ++i) s += double(g[i]) * double(g[i]);
  for (double l : lanes) s += l;
  return s;
}

int optimizer_arrays(const std::string &name) { return name == "adam" ? 2 : name == "momentum" ? 1 : 0; }

std::unique_ptr<Optimizer> make_optimizer(const std::string &name, double lr) {
  if (name == "sgd") return std::make_unique<Sgd>(static_cast<float>(lr));
  if (name == "momentum") return std::make_unique<Momentum>(static_cast<float>(lr));
  if (name == "adam") return std::make_unique<Adam>(static_cast<float>(lr));
  throw InputError("optimizer " + name + ": expected " + train_options::listed(train_options::optimizer_names()));
}

} // namespace aec::runtime
