#include "runtime/gemm_onednn.h"
#include "runtime/bfloat16.h"
#include "runtime/onednn_context.h"
#include "runtime/onednn_matmul.h"

#include <array>
#include <cstring>
#include <map>
#include <memory>
#include <vector>

namespace aec::runtime::onednn {
namespace {

using dnnl::memory;

// A product's primitive and its memories, whose data handles are set for every call.
struct Product {
  dnnl::matmul primitive;
  memory src, weights, dst;
};

std::unique_ptr<Product> make_product(bool ta, bool tb, int64_t M, int64_t N, int64_t K, bool accumulate, memory::data_type operands) {
  ThreadContext &c = context();
  const auto [src, weights, dst] = column_major_product(ta, tb, M, N, K, ta ? K : M, tb ? N : K, M, operands); // dense
  dnnl::primitive_attr attr;
  if (accumulate) {
    dnnl::post_ops sum;
    sum.append_sum(1.0f);
    attr.set_post_ops(sum);
  }
  try {
    const dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(src, weights, dst), attr, c.engine);
    if (std::strncmp(pd.impl_info_str(), "brg", 3) != 0) return nullptr; // a reference or generic path: OpenBLAS is faster
    return std::make_unique<Product>(Product{dnnl::matmul(pd), memory(src, c.engine, DNNL_MEMORY_NONE),
                                             memory(weights, c.engine, DNNL_MEMORY_NONE), memory(dst, c.engine, DNNL_MEMORY_NONE)});
  } catch (const dnnl::error &) {
    return nullptr;
  }
}

// This thread's primitive for a dense product, made the first time (null: no brgemm for it).
Product *product_for(bool ta, bool tb, int64_t M, int64_t N, int64_t K, bool accumulate, memory::data_type operands) {
  using Key = std::array<int64_t, 7>;
  thread_local std::map<Key, std::unique_ptr<Product>> made;
  const Key key{ta, tb, M, N, K, accumulate, int64_t(operands)};
  auto [it, inserted] = made.try_emplace(key);
  if (inserted) it->second = make_product(ta, tb, M, N, K, accumulate, operands);
  return it->second.get();
}

void run(Product &p, const void *A, const void *B, float *C) {
  p.src.set_data_handle(const_cast<void *>(B));
  p.weights.set_data_handle(const_cast<void *>(A));
  p.dst.set_data_handle(C);
  ThreadContext &c = context();
  p.primitive.execute(c.stream, {{DNNL_ARG_SRC, p.src}, {DNNL_ARG_WEIGHTS, p.weights}, {DNNL_ARG_DST, p.dst}});
  c.stream.wait();
}

// The column-major rows x cols matrix at `from` (leading dimension ld) into `to`, densely.
void copy_dense(int64_t rows, int64_t cols, const float *from, int64_t ld, float *to) {
  for (int64_t j = 0; j < cols; ++j) std::memcpy(to + j * rows, from + j * ld, size_t(rows) * sizeof(float));
}

// This thread's room for dense copies of the operands and the result. oneDNN 2.6's brgemm wants
// every matrix dense, and a piece of a product cut among threads (runtime/gemm_calls.cpp) has a
// leading dimension larger than the piece; bfloat16 operands are always copies.
struct Copies {
  std::vector<float> a, b, c;
  std::vector<uint16_t> a16, b16;
};
Copies &copies() {
  thread_local Copies c;
  return c;
}

template <class T> T *room(std::vector<T> &v, int64_t count) {
  if (v.size() < size_t(count)) v.resize(size_t(count));
  return v.data();
}

// Below this depth (multiply-adds per copied float), OpenBLAS reading the strided matrices in
// place beats copying them for oneDNN: bench/gemm_pieces, one thread, a piece of 112 rows of a
// 784 x 256 product: at K = 32 OpenBLAS 102 GFLOP/s, oneDNN with the copies 83; at 64, 117 and 134.
constexpr int64_t kDepthWorthCopying = 64;

// C = A B + beta C through `p` (made for beta 0 or, with a dense C, for beta), A and B dense, into
// C's columns through a dense copy when C is strided.
bool finish(bool ta, bool tb, int64_t M, int64_t N, int64_t K, Product *p, memory::data_type operands, const void *A, const void *B,
            float *C, int64_t ldc, float beta) {
  if (ldc == M) {
    run(*p, A, B, C);
    return true;
  }
  Product *fresh = beta == 0.0f ? p : product_for(ta, tb, M, N, K, false, operands);
  if (!fresh) return false;
  float *c = room(copies().c, M * N);
  run(*fresh, A, B, c);
  for (int64_t j = 0; j < N; ++j) {
    float *to = C + j * ldc;
    const float *from = c + j * M;
    if (beta == 0.0f) std::memcpy(to, from, size_t(M) * sizeof(float));
    else
      for (int64_t i = 0; i < M; ++i) to[i] += from[i];
  }
  return true;
}

// The primitive a product runs on here, or null when it is left to the caller: beta other than 0
// and 1, no brgemm kernel for the shape, or float32 matrices to copy for too shallow a product.
Product *route(bool ta, bool tb, int64_t M, int64_t N, int64_t K, int64_t lda, int64_t ldb, int64_t ldc, float beta,
               memory::data_type operands) {
  if (beta != 0.0f && beta != 1.0f) return nullptr;
  const bool dense = lda == (ta ? K : M) && ldb == (tb ? N : K) && ldc == M;
  if (operands == memory::data_type::f32 && !dense && K < kDepthWorthCopying) return nullptr;
  Product *p = product_for(ta, tb, M, N, K, beta != 0.0f && ldc == M, operands);
  if (!p || ldc == M || beta == 0.0f) return p;
  return product_for(ta, tb, M, N, K, false, operands) ? p : nullptr; // a strided C with beta 1 is summed after a fresh product
}

} // namespace

bool takes(bool ta, bool tb, int64_t M, int64_t N, int64_t K, int64_t lda, int64_t ldb, int64_t ldc, float beta) {
  return route(ta, tb, M, N, K, lda, ldb, ldc, beta, memory::data_type::f32) != nullptr;
}

bool takes_bfloat16(bool ta, bool tb, int64_t M, int64_t N, int64_t K, int64_t lda, int64_t ldb, int64_t ldc, float beta) {
  return route(ta, tb, M, N, K, lda, ldb, ldc, beta, memory::data_type::bf16) != nullptr;
}

bool gemm(bool ta, bool tb, int64_t M, int64_t N, int64_t K, const float *A, int64_t lda, const float *B, int64_t ldb, float *C,
          int64_t ldc, float beta) {
  const auto f32 = memory::data_type::f32;
  Product *p = route(ta, tb, M, N, K, lda, ldb, ldc, beta, f32);
  if (!p) return false;
  const int64_t a_rows = ta ? K : M, a_cols = ta ? M : K, b_rows = tb ? N : K, b_cols = tb ? K : N;
  if (lda != a_rows) {
    copy_dense(a_rows, a_cols, A, lda, room(copies().a, a_rows * a_cols));
    A = copies().a.data();
  }
  if (ldb != b_rows) {
    copy_dense(b_rows, b_cols, B, ldb, room(copies().b, b_rows * b_cols));
    B = copies().b.data();
  }
  return finish(ta, tb, M, N, K, p, f32, A, B, C, ldc, beta);
}

bool gemm_bfloat16(bool ta, bool tb, int64_t M, int64_t N, int64_t K, const float *A, int64_t lda, const float *B, int64_t ldb, float *C,
                   int64_t ldc, float beta) {
  const auto bf16 = memory::data_type::bf16;
  Product *p = route(ta, tb, M, N, K, lda, ldb, ldc, beta, bf16);
  if (!p) return false;
  const int64_t a_rows = ta ? K : M, a_cols = ta ? M : K, b_rows = tb ? N : K, b_cols = tb ? K : N;
  uint16_t *a = room(copies().a16, a_rows * a_cols), *b = room(copies().b16, b_rows * b_cols);
  to_bfloat16(a_rows, a_cols, A, lda, a);
  to_bfloat16(b_rows, b_cols, B, ldb, b);
  return finish(ta, tb, M, N, K, p, bf16, a, b, C, ldc, beta);
}

std::string bfloat16_kernel() {
  thread_local std::string name = [] {
    try {
      const auto [src, weights, dst] = column_major_product(false, false, 256, 256, 256, 256, 256, 256, memory::data_type::bf16);
      const dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(src, weights, dst), context().engine);
      return std::string(pd.impl_info_str());
    } catch (const dnnl::error &) {
      return std::string();
    }
  }();
  return name;
}

} // namespace aec::runtime::onednn
