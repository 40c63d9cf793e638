// How a model is trained: the program's `train` statement with command-line flags on top, a
// field per row of support/train_options.def (its type, default and meaning are there). Saved in
// checkpoints, so that a resumed run continues with the settings it started with.
#pragma once
#include "support/train_options.h"

namespace aec::runtime {

using TrainConfig = train_options::Values;

} // namespace aec::runtime
