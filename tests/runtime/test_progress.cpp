// Progress output: a bar redrawn in place on a terminal, plain epoch lines otherwise.
#include "runtime/trainer.h"

#include <doctest/doctest.h>

#include <cmath>
#include <sstream>

using aec::runtime::EpochReport;
using aec::runtime::LineReporter;
using aec::runtime::StepReport;

TEST_CASE("on a terminal: a bar redrawn in place, cleared before the epoch line") {
  std::ostringstream out;
  LineReporter live(out, true);
  live.on_step(StepReport{1, 3, 128, 512, 0.5, 1e-3, 0.2});
  live.on_step(StepReport{1, 3, 256, 512, 0.4, 1e-3, 0.25}); // within 0.1 s of the last draw: skipped
  live.on_step(StepReport{1, 3, 384, 512, 0.3, 1e-3, 0.4});
  live.on_epoch(EpochReport{1, 3, 0.25, NAN, false, 1000, 0.5, 1e-3});
  std::string s = out.str();
  CHECK(s.find("\r\033[Kepoch 1/3 [#######.......................]  25%  loss 0.5") != std::string::npos);
  CHECK(s.find(" 50%") == std::string::npos);
  CHECK(s.find("[######################........]  75%  loss 0.3") != std::string::npos);
  CHECK(s.find("\r\033[Kepoch   1/3  loss 0.25  1000 samples/s  0.50 s\n") != std::string::npos);
}

TEST_CASE("not a terminal: only epoch lines, with the validation loss and the best marked") {
  std::ostringstream out;
  LineReporter plain(out, false);
  plain.on_step(StepReport{1, 2, 128, 512, 0.5, 1e-3, 0.2});
  plain.on_epoch(EpochReport{1, 2, 0.25, 0.3, true, 1000, 0.5, 1e-3});
  plain.on_epoch(EpochReport{2, 2, 0.2, 0.35, false, 1000, 0.5, 1e-3});
  CHECK(out.str() == "epoch   1/2  loss 0.25  val 0.3 *  1000 samples/s  0.50 s\n"
                     "epoch   2/2  loss 0.2  val 0.35    1000 samples/s  0.50 s\n");
}
