// First-order optimizers over flat float arrays: sgd, momentum (0.9), adam (0.9, 0.999, 1e-8).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace aec::runtime {

class Optimizer {
public:
  virtual ~Optimizer() = default;
  // Registers a param of `n` floats; returns its index for step().
  virtual size_t add(int64_t n) = 0;
  // Called once per training step, before the params are updated.
  virtual void begin_step() {}
  virtual void step(size_t index, float *param, const float *grad, int64_t n) = 0;
};

// Throws InputError for an unknown name.
std::unique_ptr<Optimizer> make_optimizer(const std::string &name, double lr);

} // namespace aec::runtime
