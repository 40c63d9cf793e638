// First-order optimizers over flat float arrays: sgd, momentum (0.9), adam (0.9, 0.999, 1e-8).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace aec::runtime {

// Everything an optimizer carries between steps, for checkpoints: resuming from it continues
// bit for bit.
struct OptimizerState {
  std::string name;
  int64_t steps = 0;
  std::vector<std::vector<float>> arrays;      // by slot: moments or velocities
  std::vector<std::vector<int64_t>> row_steps; // by slot: each per-sample row's own step count
};

class Optimizer {
public:
  virtual ~Optimizer() = default;
  // Registers a param of `n` floats; returns its index for step().
  virtual size_t add(int64_t n) = 0;
  // Called once per training step, before the params are updated, with the factor every gradient
  // of the step is taken times (clipping's; 1 leaves them as they are).
  virtual void begin_step(float gradient_scale = 1) { scale_ = gradient_scale; }
  virtual void step(size_t index, float *param, const float *grad, int64_t n) = 0;

  // A `per sample` param: `rows` rows of `width` floats, each with its own state (Adam counts
  // each row's own steps for its bias correction). step_rows updates only the rows a batch
  // touched: row rows[k] of `param` with the k-th gradient row.
  virtual size_t add_rows(int64_t rows, int64_t width) = 0;
  virtual void step_rows(size_t index, float *param, const float *grad, int64_t width, const int64_t *rows, int64_t count) = 0;

  // The learning rate of the following steps (schedules change it).
  virtual void set_lr(double lr) = 0;

  virtual OptimizerState state() const = 0;
  // Throws InputError unless `s` was saved by the same optimizer with the same slots.
  virtual void restore(const OptimizerState &s) = 0;

protected:
  float scale_ = 1;
};

// The sum of the squares of n floats in double (a large gradient must not overflow to a false
// alarm): the gradients' norm, for clipping and the finite check. Vectorized for the CPU, with the
// same bits on every CPU.
double sum_of_squares(const float *g, int64_t n);

// sgd, momentum or adam.
// The arrays the size of a param that an optimizer keeps: 0 for sgd, 1 for momentum, 2 for adam.
int optimizer_arrays(const std::string &name);

// Throws InputError for an unknown name.
std::unique_ptr<Optimizer> make_optimizer(const std::string &name, double lr);

} // namespace aec::runtime
