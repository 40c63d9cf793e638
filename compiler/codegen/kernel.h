// A compiled graph: its buffers and a JIT-compiled entry point that runs every step.
// The runtime owns the memory; a kernel only computes.
#pragma once
#include "codegen/schedule.h"

#include <memory>
#include <string>

namespace aec::codegen {

class Jit;

class Kernel {
public:
  // Schedules, emits, optimizes and JIT-compiles `g`. Throws CompileError for what this backend
  // does not support, std::runtime_error for an LLVM failure.
  // The optimized IR and the machine code are kept as text only when asked for.
  enum class Text { None, LlvmIr, Assembly };
  static std::unique_ptr<Kernel> compile(const ir::Graph &g, const std::string &name, Text text = Text::None);
  ~Kernel();

  const ir::Graph &graph() const { return graph_; }
  const Schedule &schedule() const { return schedule_; }
  int output_slot(const std::string &name) const; // -1 when absent

  // Runs once over a batch. slots[k] points at buffer k, sized for at least `batch` samples.
  void run(float *const *slots, int64_t batch) const { entry_(slots, batch); }

  const std::string &llvm_ir() const { return llvm_ir_; }     // optimized IR (Text::LlvmIr)
  const std::string &assembly() const { return assembly_; }   // machine code (Text::Assembly)

private:
  Kernel() = default;
  ir::Graph graph_;
  Schedule schedule_;
  std::unique_ptr<Jit> jit_;
  void (*entry_)(float *const *, int64_t) = nullptr;
  std::string llvm_ir_, assembly_;
};

} // namespace aec::codegen
