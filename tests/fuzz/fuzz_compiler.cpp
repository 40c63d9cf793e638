// libFuzzer target: the text of a .ae program through the whole compiler and into the runtime:
// parse -> check -> lower -> differentiate -> optimize -> verify -> schedule -> LLVM IR (verified
// by LLVM). Programs whose training step is small enough to compile in well under the 2 s hang
// bound (kJitSteps kernels) are also JIT-compiled and trained for one step on a few samples.
// A diagnosed rejection (InputError, a LocatedError: CompileError or NonFiniteError) is a pass; anything else escaping, a
// sanitizer report, a crash or a hang is a bug.
#include "codegen/emit_llvm.h"
#include "codegen/schedule.h"
#include "driver/driver.h"
#include "internal.h"
#include "passes/passes.h"
#include "source/diagnostics.h"

#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Verifier.h>

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <string>

namespace {

constexpr int64_t kWidth = 12;   // the data width: small, so that any valid program is cheap
constexpr size_t kJitSteps = 48; // larger training steps stop after their LLVM IR is verified

void emit_and_verify(const aec::ir::Graph &g) {
  aec::codegen::Schedule s = aec::codegen::make_schedule(g);
  llvm::LLVMContext ctx;
  auto m = aec::codegen::emit_module(ctx, g, s, "fuzz", aec::codegen::CodegenOptions{});
  if (llvm::verifyModule(*m, &llvm::errs())) throw std::logic_error("codegen produced invalid LLVM IR");
}

void train_one_step(const std::string &text) {
  aec::LoadedProgram p = aec::LoadedProgram::from_string("fuzz.ae", text, kWidth);
  aec::Dataset data;
  data.n = 5;
  data.width = kWidth;
  for (int64_t i = 0; i < data.n * data.width; ++i) data.values.push_back(float((i * 7) % 11) / 11.0f - 0.4f);
  aec::TrainConfig c = p.train_defaults();
  c.epochs = 1;
  c.batch = 4;
  c.threads = 1;
  c.val = 0;
  c.patience = 0;
  std::ostringstream log;
  aec::train(p, data, c, log);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string text(reinterpret_cast<const char *>(data), size);
  try {
    aec::ElaborateOptions options;
    options.data_width = kWidth;
    aec::Model m = aec::driver::load_model(aec::driver::source_from_string("fuzz.ae", text), options);
    aec::ir::Graph g = aec::passes::optimize(aec::driver::training_graph(m));
    aec::passes::verify(g);
    emit_and_verify(g);
    if (aec::codegen::make_schedule(g).steps.size() <= kJitSteps) train_one_step(text);
  } catch (const aec::LocatedError &e) { // a refused program, or a training step that diverged
    (void)e.render();
  } catch (const aec::InputError &) {}
  return 0;
}
