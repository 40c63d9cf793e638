#include "codegen/jit.h"

#include <llvm/ExecutionEngine/Orc/Core.h>
#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>

#include <mutex>
#include <stdexcept>

namespace aec::codegen {

namespace {

template <class T> T unwrap(llvm::Expected<T> e, const char *what) {
  if (!e) throw std::runtime_error(std::string(what) + ": " + llvm::toString(e.takeError()));
  return std::move(*e);
}
void check(llvm::Error e, const char *what) {
  if (e) throw std::runtime_error(std::string(what) + ": " + llvm::toString(std::move(e)));
}

void init_llvm_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    llvm::InitializeNativeTargetAsmParser();
  });
}

} // namespace

std::unique_ptr<Jit> Jit::create(const std::vector<ExternalSymbol> &external) {
  init_llvm_once();
  auto j = std::make_unique<Jit>();
  auto jtmb = unwrap(llvm::orc::JITTargetMachineBuilder::detectHost(), "detecting the host CPU");
  jtmb.setCodeGenOptLevel(llvm::CodeGenOptLevel::Default);
  j->tm_ = unwrap(jtmb.createTargetMachine(), "creating the target machine");
  j->jit_ = unwrap(llvm::orc::LLJITBuilder().setJITTargetMachineBuilder(jtmb).create(), "creating the JIT");

  llvm::orc::SymbolMap symbols;
  for (const ExternalSymbol &c : external)
    symbols[j->jit_->mangleAndIntern(c.name)] = {llvm::orc::ExecutorAddr::fromPtr(c.address),
                                                 llvm::JITSymbolFlags::Exported | llvm::JITSymbolFlags::Callable};
  check(j->jit_->getMainJITDylib().define(llvm::orc::absoluteSymbols(std::move(symbols))), "registering runtime calls");
  return j;
}

void Jit::optimize(llvm::Module &m) {
  m.setTargetTriple(tm_->getTargetTriple().str());
  m.setDataLayout(tm_->createDataLayout());
  for (llvm::Function &f : m) {
    if (f.isDeclaration()) continue;
    f.addFnAttr("target-cpu", tm_->getTargetCPU());
    f.addFnAttr("target-features", tm_->getTargetFeatureString());
  }
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PipelineTuningOptions pto;
  pto.LoopVectorization = true;
  pto.SLPVectorization = true;
  pto.LoopUnrolling = false; // vectorized loops are memory-bound; unrolling tripled compile time for nothing
  llvm::PassBuilder pb(tm_.get(), pto);
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  pb.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O2).run(m, mam);
}

void Jit::add_module(std::unique_ptr<llvm::Module> m, std::unique_ptr<llvm::LLVMContext> ctx) {
  check(jit_->addIRModule(llvm::orc::ThreadSafeModule(std::move(m), std::move(ctx))), "adding a module to the JIT");
}

void *Jit::lookup(const std::string &name) { return unwrap(jit_->lookup(name), "looking up a kernel").toPtr<void *>(); }

std::string Jit::assembly(llvm::Module &m) {
  llvm::SmallString<0> out;
  llvm::raw_svector_ostream os(out);
  llvm::legacy::PassManager pm;
  if (tm_->addPassesToEmitFile(pm, os, nullptr, llvm::CodeGenFileType::AssemblyFile))
    throw std::runtime_error("the target cannot emit assembly");
  pm.run(m);
  return std::string(out.str());
}

} // namespace aec::codegen
