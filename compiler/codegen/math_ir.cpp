#include "codegen/math_ir.h"

#include <limits>

namespace aec::codegen {

namespace {
llvm::Value *cf(llvm::IRBuilder<> &b, double v) { return llvm::ConstantFP::get(b.getFloatTy(), v); }
llvm::Value *poly(llvm::IRBuilder<> &b, llvm::Value *x, std::initializer_list<double> coeffs) {
  llvm::Value *acc = nullptr;
  for (double c : coeffs) acc = acc ? b.CreateFAdd(b.CreateFMul(acc, x), cf(b, c)) : cf(b, c);
  return acc;
}
} // namespace

llvm::Value *emit_exp(llvm::IRBuilder<> &b, llvm::Value *x0) {
  llvm::Value *x = x0;
  // exp(x) = 2^n * exp(r), n = round(x / ln 2), r = x - n ln 2 (ln 2 split in two for accuracy)
  x = b.CreateBinaryIntrinsic(llvm::Intrinsic::minnum, x, cf(b, 88.3762626647949));
  x = b.CreateBinaryIntrinsic(llvm::Intrinsic::maxnum, x, cf(b, -87.3365447504));
  llvm::Value *fx = b.CreateUnaryIntrinsic(llvm::Intrinsic::floor, b.CreateFAdd(b.CreateFMul(x, cf(b, 1.44269504088896341)), cf(b, 0.5)));
  llvm::Value *r = b.CreateFSub(x, b.CreateFMul(fx, cf(b, 0.693359375)));
  r = b.CreateFSub(r, b.CreateFMul(fx, cf(b, -2.12194440e-4)));
  llvm::Value *p = poly(b, r, {1.9875691500E-4, 1.3981999507E-3, 8.3334519073E-3, 4.1665795894E-2, 1.6666665459E-1, 5.0000001201E-1});
  llvm::Value *y = b.CreateFAdd(b.CreateFAdd(b.CreateFMul(p, b.CreateFMul(r, r)), r), cf(b, 1.0));
  llvm::Value *n = b.CreateFPToSI(fx, b.getInt32Ty());
  llvm::Value *bits = b.CreateShl(b.CreateAdd(n, b.getInt32(127)), 23);
  llvm::Value *result = b.CreateFMul(y, b.CreateBitCast(bits, b.getFloatTy()));
  // minnum/maxnum drop a NaN; keep it, so that a NaN is reported where it arose
  return b.CreateSelect(b.CreateFCmpUNO(x0, x0), x0, result);
}

llvm::Value *emit_log(llvm::IRBuilder<> &b, llvm::Value *x0) {
  // x = m * 2^e with m in [sqrt(1/2), sqrt(2)); log x = log m + e ln 2, log m by a polynomial
  llvm::Value *x = b.CreateBinaryIntrinsic(llvm::Intrinsic::maxnum, x0, cf(b, std::numeric_limits<float>::min()));
  llvm::Value *bits = b.CreateBitCast(x, b.getInt32Ty());
  llvm::Value *e = b.CreateSIToFP(b.CreateSub(b.CreateLShr(bits, 23), b.getInt32(126)), b.getFloatTy());
  llvm::Value *m = b.CreateBitCast(b.CreateOr(b.CreateAnd(bits, b.getInt32(0x007FFFFF)), b.getInt32(0x3F000000)), b.getFloatTy());
  llvm::Value *small = b.CreateFCmpOLT(m, cf(b, 0.707106781186547524));
  e = b.CreateSelect(small, b.CreateFSub(e, cf(b, 1.0)), e);
  m = b.CreateSelect(small, b.CreateFSub(b.CreateFAdd(m, m), cf(b, 1.0)), b.CreateFSub(m, cf(b, 1.0)));
  llvm::Value *z = b.CreateFMul(m, m);
  llvm::Value *p = poly(b, m,
                        {7.0376836292E-2, -1.1514610310E-1, 1.1676998740E-1, -1.2420140846E-1, 1.4249322787E-1, -1.6668057665E-1,
                         2.0000714765E-1, -2.4999993993E-1, 3.3333331174E-1});
  llvm::Value *y = b.CreateFMul(b.CreateFMul(p, m), z);
  y = b.CreateFAdd(y, b.CreateFMul(e, cf(b, -2.12194440e-4)));
  y = b.CreateFSub(y, b.CreateFMul(z, cf(b, 0.5)));
  llvm::Value *r = b.CreateFAdd(b.CreateFAdd(m, y), b.CreateFMul(e, cf(b, 0.693359375)));
  // log 0 = -inf, log of a negative number or NaN = NaN, log inf = inf
  r = b.CreateSelect(b.CreateFCmpOEQ(x0, cf(b, 0.0)), cf(b, -std::numeric_limits<float>::infinity()), r);
  r = b.CreateSelect(b.CreateFCmpOGE(x0, cf(b, 0.0)), r, cf(b, std::numeric_limits<float>::quiet_NaN()));
  return b.CreateSelect(b.CreateFCmpOEQ(x0, cf(b, std::numeric_limits<float>::infinity())), x0, r);
}

} // namespace aec::codegen
