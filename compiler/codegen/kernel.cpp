#include "codegen/kernel.h"
#include "codegen/emit_llvm.h"
#include "codegen/jit.h"

#include <llvm/IR/Verifier.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Transforms/Utils/Cloning.h>

#include <stdexcept>

namespace aec::codegen {

Kernel::~Kernel() = default;

std::unique_ptr<Kernel> Kernel::compile(const ir::Graph &g, const std::string &name, const CodegenOptions &options) {
  const Text text = options.text;
  std::unique_ptr<Kernel> k(new Kernel());
  k->graph_ = g;
  k->schedule_ = make_schedule(k->graph_);
  k->jit_ = Jit::create(options.symbols);
  auto ctx = std::make_unique<llvm::LLVMContext>();
  std::unique_ptr<llvm::Module> m = emit_module(*ctx, k->graph_, k->schedule_, name, options, options.profile ? k.get() : nullptr);
  std::string problems;
  llvm::raw_string_ostream ps(problems);
  if (llvm::verifyModule(*m, &ps)) throw std::logic_error("codegen produced invalid LLVM IR: " + problems);
  k->jit_->optimize(*m);
  if (text == Text::LlvmIr) {
    llvm::raw_string_ostream irs(k->llvm_ir_);
    m->print(irs, nullptr);
  }
  if (text == Text::Assembly) {
    std::unique_ptr<llvm::Module> copy = llvm::CloneModule(*m); // codegen consumes the module it is given
    k->assembly_ = k->jit_->assembly(*copy);
  }
  k->jit_->add_module(std::move(m), std::move(ctx));
  k->entry_ = reinterpret_cast<void (*)(float *const *, int64_t)>(k->jit_->lookup(kEntryName));
  return k;
}

int Kernel::output_slot(const std::string &name) const {
  for (auto &[n, slot] : schedule_.outputs)
    if (n == name) return slot;
  return -1;
}

} // namespace aec::codegen
