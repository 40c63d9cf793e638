// What `aec train` prints: the header line, how the run ended, the final line, the PCA checks
// and the JSON object; and the exit status that follows from them.
#pragma once
#include "internal.h"

#include <ostream>
#include <string>

namespace aec::cli {

void print_header(std::ostream &out, const std::string &path, const Dataset &data, const TrainConfig &c,
                  const runtime::TrainingProgress *resumed, const std::string &save_path);

// 0, 2 for a failed check under --strict, 128 + the signal for an interrupted run.
int report_result(std::ostream &out, std::ostream &err, const LoadedProgram &prog, const TrainResult &r, const TrainConfig &c,
                  const std::string &save_path, double pca_tol, bool strict, bool json, int stop_signal);

} // namespace aec::cli
