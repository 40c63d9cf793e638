// Products through oneDNN's matmul primitive, for the shapes where it has a JIT-compiled
// (brgemm) implementation for this CPU: on an AVX-512 Xeon, 10-25% faster than OpenBLAS at
// aec's shapes (bench/roofline). Each call runs on the calling thread (onednn_context.h); a
// primitive is made once per thread and shape, so a given call always gives the same bits.
#pragma once
#include <cstdint>

namespace aec::runtime::onednn {

// Column-major C[M, N] = op(A)[M, K] op(B)[K, N] + beta C, beta 0 or 1, on this thread. Returns
// false, computing nothing, when oneDNN has no brgemm implementation for the shape (or beta is
// neither 0 nor 1): the caller computes it another way.
bool gemm(bool ta, bool tb, int64_t M, int64_t N, int64_t K, const float *A, int64_t lda, const float *B, int64_t ldb, float *C,
          int64_t ldc, float beta);

} // namespace aec::runtime::onednn
