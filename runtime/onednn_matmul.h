// A column-major product as oneDNN's matmul sees it. oneDNN's matmul is row-major and fastest
// with a row-major result: the column-major C [M, N] = op(A) [M, K] op(B) [K, N] is the row-major
// C' [N, M] = op(B)' op(A)', so op(B)' is the source and op(A)' the weights. A column-major [r, c]
// matrix with leading dimension ld, read as its row-major transpose [c, r], has strides {ld, 1};
// read as itself, {1, ld}. (runtime/gemm_onednn.cpp; bench/roofline.)
#pragma once
#include <dnnl.hpp>

#include <cstdint>

namespace aec::runtime::onednn {

struct MatmulDescs {
  dnnl::memory::desc src, weights, dst;
};

inline MatmulDescs column_major_product(bool ta, bool tb, int64_t M, int64_t N, int64_t K, int64_t lda, int64_t ldb, int64_t ldc,
                                        dnnl::memory::data_type operands) {
  using dnnl::memory;
  return {memory::desc({N, K}, operands, tb ? memory::dims{1, ldb} : memory::dims{ldb, 1}),
          memory::desc({K, M}, operands, ta ? memory::dims{1, lda} : memory::dims{lda, 1}),
          memory::desc({N, M}, memory::data_type::f32, memory::dims{ldc, 1})};
}

} // namespace aec::runtime::onednn
