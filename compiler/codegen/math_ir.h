// exp and log as straight-line float IR (Cephes' range reduction and minimax polynomials), so
// loops that call them vectorize without a vector math library. Accurate to a few ulp.
#pragma once
#include <llvm/IR/IRBuilder.h>

namespace aec::codegen {

llvm::Value *emit_exp(llvm::IRBuilder<> &b, llvm::Value *x);
llvm::Value *emit_log(llvm::IRBuilder<> &b, llvm::Value *x);

} // namespace aec::codegen
