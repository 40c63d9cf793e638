// The C functions JIT-compiled kernels call: GEMM (runtime/gemm_calls.cpp: oneDNN or OpenBLAS),
// inverses, transposes and the parallel loop over samples.
#pragma once
#include "codegen/kernel.h"

#include <cstdint>
#include <vector>

extern "C" {
// Column-major C[M,N] = op(A)[M,K] op(B)[K,N] + beta C; ta/tb nonzero mean transposed operands.
void aec_gemm(int32_t ta, int32_t tb, int64_t M, int64_t N, int64_t K, const float *A, int64_t lda, const float *B, int64_t ldb, float *C,
              int64_t ldc, float beta);
// The same product for `count` samples: operand k of each starts `stride` floats after the last
// (a stride of 0 shares one operand across the samples).
void aec_gemm_each(int32_t ta, int32_t tb, int64_t M, int64_t N, int64_t K, const float *A, int64_t lda, int64_t stride_a, const float *B,
                   int64_t ldb, int64_t stride_b, float *C, int64_t ldc, int64_t stride_c, int64_t count);
// The same two products from operands rounded to bfloat16, with float32 sums (--precision bf16,
// runtime/bfloat16.h).
void aec_gemm_bf16(int32_t ta, int32_t tb, int64_t M, int64_t N, int64_t K, const float *A, int64_t lda, const float *B, int64_t ldb,
                   float *C, int64_t ldc, float beta);
void aec_gemm_each_bf16(int32_t ta, int32_t tb, int64_t M, int64_t N, int64_t K, const float *A, int64_t lda, int64_t stride_a,
                        const float *B, int64_t ldb, int64_t stride_b, float *C, int64_t ldc, int64_t stride_c, int64_t count);
// The inverses of `count` n x n matrices, one after another (LU with partial pivoting, in double).
// A singular matrix gives non-finite entries, which training reports.
void aec_inverse(int64_t n, int64_t count, const float *in, float *out);
// A kernel's loop over samples, step(slots, batch, first, end), on the calling thread's team in
// chunks of samples when the batch has enough work (`work` floats per sample).
void aec_for_samples(void (*step)(void **, int64_t, int64_t, int64_t), void **slots, int64_t batch, int64_t work);
// `count` column-major rows x cols matrices, one after another, transposed into `out`.
void aec_transpose(int64_t rows, int64_t cols, int64_t count, const float *in, float *out);
}

namespace aec::runtime {

// The functions above by name, for the JIT to resolve the kernels' calls against.
const std::vector<codegen::ExternalSymbol> &kernel_calls();

} // namespace aec::runtime
