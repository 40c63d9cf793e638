// A compiled graph: its buffers and a JIT-compiled entry point that runs every step.
// The runtime owns the memory; a kernel only computes.
#pragma once
#include "codegen/schedule.h"

#include <memory>
#include <string>
#include <vector>

namespace aec::codegen {

class Jit;

// A function outside the kernel that it calls by name (the runtime's GEMM, inverse, transpose and
// loop over samples: runtime/kernel_calls.h).
struct ExternalSymbol {
  const char *name;
  void *address;
};

// How to compile: everything that changes the machine code is here, never in global state.
struct CodegenOptions {
  // The team the kernel will run on: with more than one thread, wide loops over samples are
  // emitted as calls to aec_for_samples, which shares them (runtime/work_sharing.h).
  int threads = 1;
  // Multiply-adds below which a loop over samples is not worth sharing (a loop counts 16 per float
  // it writes per sample); tests set 0 to share everything.
  int64_t minimum_shared_work = int64_t(1) << 20;
  // The optimized IR and the machine code are kept as text only when asked for.
  enum class Text { None, LlvmIr, Assembly } text = Text::None;
  std::vector<ExternalSymbol> symbols; // what the kernel may call
  // Products from operands rounded to bfloat16 with float32 sums (aec_gemm_bf16, --precision
  // bf16); everything else stays float32.
  bool bfloat16_products = false;
  // Times every step (aec train --profile): the entry calls aec_profile_mark(kernel, -1) first
  // and aec_profile_mark(kernel, i) after step i, with the Kernel's address (runtime/step_profile.h).
  bool profile = false;
};

class Kernel {
public:
  using Text = CodegenOptions::Text;
  // Schedules, emits, optimizes and JIT-compiles `g`. Throws CompileError for what this backend
  // does not support, std::runtime_error for an LLVM failure.
  static std::unique_ptr<Kernel> compile(const ir::Graph &g, const std::string &name, const CodegenOptions &options);
  ~Kernel();

  const ir::Graph &graph() const { return graph_; }
  const Schedule &schedule() const { return schedule_; }
  int output_slot(const std::string &name) const; // -1 when absent

  // Runs once over a batch. slots[k] points at buffer k, sized for at least `batch` samples.
  void run(float *const *slots, int64_t batch) const { entry_(slots, batch); }

  const std::string &llvm_ir() const { return llvm_ir_; }   // optimized IR (Text::LlvmIr)
  const std::string &assembly() const { return assembly_; } // machine code (Text::Assembly)

private:
  Kernel() = default;
  ir::Graph graph_;
  Schedule schedule_;
  std::unique_ptr<Jit> jit_;
  void (*entry_)(float *const *, int64_t) = nullptr;
  std::string llvm_ir_, assembly_;
};

} // namespace aec::codegen
