// `aec train --profile`: the step's time as a table, and as JSON for --json.
#pragma once
#include "runtime/profile_table.h"

#include <ostream>
#include <string>

namespace aec::cli {

// The rows of at least half a percent (at most 30), the rest summed in one line, and the time no
// row accounts for.
void print_profile(std::ostream &out, const runtime::StepProfile &p, int threads);

// {"steps": N, "step_seconds": S, "unaccounted_share": U, "rows": [{"kind", "what", "seconds",
// "share", and for products "shape", "library", "gflops"}, ...]} with every row.
std::string profile_json(const runtime::StepProfile &p);

} // namespace aec::cli
