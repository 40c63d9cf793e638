#include "runtime/training_profile.h"

#include <chrono>

namespace aec::runtime {

void TrainingProfile::step(const std::function<void()> &run_step, const std::function<StepClocks()> &clocks) {
  if (!session_) {
    run_step();
    session_.emplace();
    return;
  }
  const StepClocks before = clocks();
  const auto start = std::chrono::steady_clock::now();
  run_step();
  seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ++steps_;
  const StepClocks after = clocks();
  spent_.gather += after.gather - before.gather;
  spent_.norm += after.norm - before.norm;
  spent_.update += after.update - before.update;
  spent_.mpi += after.mpi - before.mpi;
  spent_.weigh += after.weigh - before.weigh;
  spent_.tree += after.tree - before.tree;
}

StepProfile TrainingProfile::finish(const Model &m, const std::vector<ProfiledKernel> &kernels, const std::string &optimizer, bool clip,
                                    bool data_parallel) {
  if (!session_) return {};
  const KernelTimes times = session_->stop();
  if (steps_ == 0) return {};
  std::vector<ProfileRow> rows = kernel_rows(m, times, kernels, steps_);
  const double per_step = 1.0 / double(steps_);
  rows.push_back({"data", "gathering the batch's samples and drawing its noise", spent_.gather * per_step});
  rows.push_back({"update", std::string("the gradients' norm (finite check") + (clip ? ", clipping" : "") + ")", spent_.norm * per_step});
  rows.push_back({"update", optimizer + " update", spent_.update * per_step});
  if (data_parallel) {
    rows.push_back({"mpi", "MPI: summing the gradients across processes", spent_.mpi * per_step});
    rows.push_back({"chunks", "weighting each chunk's gradients by its share of the batch", spent_.weigh * per_step});
    rows.push_back({"chunks", "adding up the chunks' gradients along the fixed tree", spent_.tree * per_step});
  }
  return make_profile(std::move(rows), steps_, seconds_);
}

} // namespace aec::runtime
