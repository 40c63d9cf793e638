// --profile in a training run: the steps after the first timed as a whole and by their parts
// (the kernels' steps through step_profile.h; the data gathering, the gradients' norm, the update,
// and under mpirun MPI's sums, the chunks' weighting and the tree's additions through the run's
// own clocks), then the rows of profile_table.h.
#pragma once
#include "runtime/profile_table.h"

#include <functional>
#include <optional>
#include <string>

namespace aec::runtime {

// The run's clocks: seconds spent on each part of a step so far.
struct StepClocks {
  double gather = 0, norm = 0, update = 0, mpi = 0, weigh = 0, tree = 0;
};

class TrainingProfile {
public:
  // Runs one training step; the first one is left out (it creates the products' kernels).
  void step(const std::function<void()> &run_step, const std::function<StepClocks()> &clocks);

  // The profile of the steps timed (of none when the run took one or none). `kernels` are the
  // run's kernels, compiled with profiling marks; `clip` and `data_parallel` name the rows.
  StepProfile finish(const Model &m, const std::vector<ProfiledKernel> &kernels, const std::string &optimizer, bool clip,
                     bool data_parallel);

private:
  std::optional<ProfilingSession> session_;
  int64_t steps_ = 0;
  double seconds_ = 0;
  StepClocks spent_;
};

} // namespace aec::runtime
