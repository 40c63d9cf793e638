// Schedule -> LLVM IR: one internal function per step (noalias buffers, so loops vectorize)
// and the entry `void aec_entry(float **slots, int64_t batch)` that calls them in order. With a
// `profile_tag`, the entry marks the start and the end of every step (CodegenOptions::profile).
#pragma once
#include "codegen/kernel.h"
#include "codegen/schedule.h"

#include <llvm/IR/Module.h>
#include <memory>

namespace aec::codegen {

inline constexpr const char *kEntryName = "aec_entry";

std::unique_ptr<llvm::Module> emit_module(llvm::LLVMContext &ctx, const ir::Graph &g, const Schedule &s, const std::string &module_name,
                                          const CodegenOptions &options, const void *profile_tag = nullptr);

} // namespace aec::codegen
