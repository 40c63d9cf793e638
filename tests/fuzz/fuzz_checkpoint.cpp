// libFuzzer target: the bytes of a checkpoint through the reader, with the checksum recomputed
// (anyone can, so it is no defence: the reader's own checks are), and every checkpoint it
// accepts through what `aec run --load` and `aec train --resume` do with one: its program
// compiled, matched against it, its output evaluated on data of its width, and its run resumed
// for one more epoch on data of its size (the data's fingerprint set to match, so that the
// resume goes past that check). A refusal (InputError, a LocatedError: CompileError or NonFiniteError) is a pass; anything else
// escaping, a sanitizer report, a crash, a hang or an allocation past the RSS limit is a bug.
// Inputs are checkpoints without their end section: seal_checkpoint adds it.
#include "internal.h"
#include "runtime/checkpoint.h"
#include "source/diagnostics.h"

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

namespace {

// Larger data would only make each input slower, not reach other code.
constexpr int64_t kMaxWidth = 64, kMaxSamples = 256;

aec::Dataset data_of(int64_t samples, int64_t width) {
  aec::Dataset d;
  d.n = samples;
  d.width = width;
  for (int64_t i = 0; i < samples * width; ++i) d.values.push_back(float((i * 7) % 11) / 11.0f - 0.4f);
  return d;
}

template <class F> void refusal_passes(F &&f) {
  try {
    f();
  } catch (const aec::InputError &) {
  } catch (const aec::LocatedError &) {} // a refused program, or training that diverged (NonFiniteError)
}

void use(aec::Checkpoint c) {
  if (c.width > kMaxWidth || c.samples > kMaxSamples || c.samples < 1) return;
  aec::LoadedProgram p = aec::LoadedProgram::from_string(c.program_name, c.program_text, c.width, c.overrides);
  aec::runtime::check_checkpoint_matches(c, p.model(), "fuzz.ckpt", aec::runtime::CheckpointUse::Run);
  std::ostringstream log;
  for (const std::string &output : p.model().outputs) {
    aec::Dataset d = data_of(3, c.width);
    aec::RunConfig rc;
    rc.fit_steps = 2;
    refusal_passes([&] { aec::run(p, d, c, "fuzz.ckpt", output, rc, log); });
  }
  if (!c.training) return;
  aec::Dataset d = data_of(c.samples, c.width);
  c.training->data_fingerprint = aec::runtime::data_fingerprint(d);
  aec::TrainConfig config = c.training->config;
  config.epochs = c.training->epoch + 1;
  config.threads = 1;
  aec::TrainOptions options;
  options.resume = &c;
  aec::train(p, d, config, options);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string bytes(reinterpret_cast<const char *>(data), size);
  refusal_passes([&] { use(aec::runtime::parse_checkpoint(aec::runtime::seal_checkpoint(std::move(bytes)), "fuzz.ckpt")); });
  return 0;
}
