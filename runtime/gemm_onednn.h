// Products through oneDNN's matmul primitive, for the shapes where it has a JIT-compiled
// (brgemm) implementation for this CPU: on an AVX-512 Xeon, 10-25% faster than OpenBLAS at
// aec's shapes (bench/roofline). Each call runs on the calling thread (onednn_context.h); a
// primitive is made once per thread and shape, so a given call always gives the same bits.
#pragma once
#include <cstdint>
#include <string>

namespace aec::runtime::onednn {

// Column-major C[M, N] = op(A)[M, K] op(B)[K, N] + beta C, beta 0 or 1, on this thread. Strided
// matrices (leading dimensions larger than the matrix: a piece of a product cut among threads)
// are copied to dense ones first, which brgemm needs. Returns false, computing nothing, when
// oneDNN has no brgemm implementation for the shape, beta is neither 0 nor 1, or a strided
// product is too shallow (K < 64) for the copies to pay: the caller computes it another way.
bool gemm(bool ta, bool tb, int64_t M, int64_t N, int64_t K, const float *A, int64_t lda, const float *B, int64_t ldb, float *C,
          int64_t ldc, float beta);

// Whether gemm() (gemm_bfloat16()) computes this product here rather than leaving it to the
// caller; nothing is computed. oneDNN's brgemm sums each entry of C over k in order, however it
// blocks M and N, so a product it takes whole and in pieces has the same bits either way (tested).
bool takes(bool ta, bool tb, int64_t M, int64_t N, int64_t K, int64_t lda, int64_t ldb, int64_t ldc, float beta);
bool takes_bfloat16(bool ta, bool tb, int64_t M, int64_t N, int64_t K, int64_t lda, int64_t ldb, int64_t ldc, float beta);

// The same product from bfloat16 operands (A and B rounded to the nearest, ties to even) with
// float32 sums, on this CPU's bfloat16 instructions (runtime/bfloat16.h); false where oneDNN has
// no brgemm implementation for it (a CPU without them).
bool gemm_bfloat16(bool ta, bool tb, int64_t M, int64_t N, int64_t K, const float *A, int64_t lda, const float *B, int64_t ldb, float *C,
                   int64_t ldc, float beta);

// oneDNN's implementation of a 256 x 256 x 256 bfloat16 product on this thread
// ("brg:avx512_core_amx_bf16", "brg:avx512_core_bf16", ...), for reports; "" when it has none.
std::string bfloat16_kernel();

} // namespace aec::runtime::onednn
