// The training loop: params initialized from the seed, seeded shuffled minibatches, fresh noise
// draws per step, one JIT kernel computing the loss and every gradient, gradient clipping, a
// learning-rate schedule, an optimizer step per batch, a validation loss per epoch with early
// stopping, checkpoints that resume bit for bit, a guard that stops at the first NaN or
// infinity and names the expression that produced it, and the model's `check` statements.
#pragma once
#include "runtime/checkpoint.h"
#include "runtime/dataset.h"
#include "runtime/pca.h"
#include "runtime/profile_table.h"
#include "runtime/train_config.h"
#include "runtime/training_progress.h"
#include "sema/model.h"

#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace aec::runtime {

// The program's `train` statement as a config (command-line flags go on top; flags win).
TrainConfig config_from_model(const Model &m);

struct StepReport {
  int64_t epoch, epochs;    // 1-based epoch
  int64_t done, epoch_size; // training samples of this epoch done, of
  double loss;              // running mean over the epoch so far
  double lr;                // the step's learning rate
  double seconds;           // since this epoch (or the resumed part of it) started
};

struct EpochReport {
  int64_t epoch, epochs;
  double loss;     // mean objective of the epoch's training batches
  double val_loss; // on the held-out samples (NaN without --val)
  bool best;       // the best validation loss so far
  double samples_per_second, seconds, lr;
};

// What a run tells the world as it goes, and how the world stops it. Called on the training
// thread; stop_requested() is polled after every step.
class TrainObserver {
public:
  virtual ~TrainObserver() = default;
  virtual void on_step(const StepReport &) {}
  virtual void on_epoch(const EpochReport &) {}
  virtual bool stop_requested() { return false; }
};

// Prints one line per epoch to `out`; with `live`, also a progress bar redrawn in place.
class LineReporter : public TrainObserver {
public:
  LineReporter(std::ostream &out, bool live) : out_(out), live_(live) {}
  void on_step(const StepReport &s) override;
  void on_epoch(const EpochReport &e) override;

private:
  std::ostream &out_;
  bool live_;
  double last_draw_ = -1;
  bool bar_shown_ = false;
};

struct TrainOptions {
  TrainObserver *observer = nullptr;  // none: silent
  std::string save_path;              // checkpoints after every epoch, every save_every steps and at the end
  int64_t save_every = 0;             // steps; 0: epoch ends only
  const Checkpoint *resume = nullptr; // continue this run (params and progress), bit for bit
  const Checkpoint *init = nullptr;   // start the params it has (same name and shape) from their values there
  int64_t max_memory = 0;             // bytes the run may allocate; 0: what the machine has available
  bool profile = false;               // time every step of the kernels (TrainResult::profile)
};

enum class StopReason { Completed, EarlyStopped, Interrupted };

struct PcaResult {
  std::string param;
  double max_angle_deg, recon_error, optimal_error;
  Eigen::VectorXd angles_deg;
};

struct TrainResult {
  double initial_loss = 0;       // the first batch's loss, before any update
  double final_loss = 0;         // mean objective over the last epoch
  double samples_per_second = 0; // training throughput of this process's part of the run
  int64_t epochs = 0;            // epochs completed
  double seconds = 0;            // training time, compile and checkpoint writing excluded
  double checkpoint_seconds = 0; // writing checkpoints (--save)
  double compile_ms = 0;         // graph building, optimization and JIT compilation
  // Under mpirun, of `seconds` on this process: running the kernel on its chunks, and in MPI's
  // collectives (moving data and waiting for the others). The rest: the optimizer update,
  // adding up the chunks' gradients, drawing noise.
  double chunk_seconds = 0, communication_seconds = 0;
  std::vector<double> epoch_losses, val_losses;
  StopReason stop = StopReason::Completed;
  int64_t best_epoch = 0; // with early stopping: the epoch whose params are returned
  std::vector<PcaResult> pca;
  std::map<std::string, std::vector<float>> params; // per-sample ones: one row per training sample
  std::vector<float> center_mean;                   // the mean subtracted when center=true, else empty
  TrainingProgress progress;                        // where the run stands: what a checkpoint resumes
  // With TrainOptions::profile: where the steps' time went, over the run's steps after its first
  // (which creates the products' kernels); of no steps when the run took one or none.
  std::optional<StepProfile> profile;
};

// Trains `m` on `data` (centered in place when the config says so).
// Throws InputError for settings that cannot work (e.g. --val with per-sample params) and
// NonFiniteError, located at the expression, when a loss or gradient becomes NaN or infinite.
TrainResult train(const Model &m, Dataset &data, const TrainConfig &config, const TrainOptions &options = {});

// --init: the params of `m` that start from their values in `ck` (a checkpoint of any program):
// those with the same name and shape (per-sample ones: with a row for each of `samples`).
std::vector<std::string> params_found_in(const Model &m, const Checkpoint &ck, int64_t samples);

// What a checkpoint remembers of the data a run started on, so that a resume on other data is
// refused: the sizes and up to 65,536 evenly spaced values (enough to tell data sets apart).
uint64_t data_fingerprint(const Dataset &d);

} // namespace aec::runtime
