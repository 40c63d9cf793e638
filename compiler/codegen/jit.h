// A small ORC JIT wrapper in the shape of LLVM's KaleidoscopeJIT: create, add a module
// (optimized for the host CPU first), look up a symbol. LLVM's Expected/Error become
// std::runtime_error here, in one place.
#pragma once
#include "codegen/kernel.h"

#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/IR/Module.h>
#include <llvm/Target/TargetMachine.h>

#include <memory>
#include <string>

namespace aec::codegen {

class Jit {
public:
  static std::unique_ptr<Jit> create(const std::vector<ExternalSymbol> &symbols); // what kernels may call

  // Gives the module the host's triple, data layout, CPU and features, and runs the O2 pipeline.
  void optimize(llvm::Module &m);
  void add_module(std::unique_ptr<llvm::Module> m, std::unique_ptr<llvm::LLVMContext> ctx);
  void *lookup(const std::string &name);
  std::string assembly(llvm::Module &m); // machine code of an optimized module, as text

private:
  std::unique_ptr<llvm::orc::LLJIT> jit_;
  std::unique_ptr<llvm::TargetMachine> tm_;
};

} // namespace aec::codegen
