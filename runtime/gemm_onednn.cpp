#include "runtime/gemm_onednn.h"
#include "runtime/onednn_context.h"

#include <array>
#include <cstring>
#include <map>
#include <memory>

namespace aec::runtime::onednn {
namespace {

using dnnl::memory;

// oneDNN's matmul is row-major and fastest with a row-major result: the column-major C [M, N] is
// the row-major C' [N, M] = op(B)' op(A)', so op(B)' is the source and op(A)' the weights. A
// column-major [r, c] matrix with leading dimension ld, read as its row-major transpose [c, r],
// has strides {ld, 1}; read as itself, {1, ld}.
struct Product {
  dnnl::matmul primitive;
  memory src, weights, dst;
};

std::unique_ptr<Product> make_product(bool ta, bool tb, int64_t M, int64_t N, int64_t K, int64_t lda, int64_t ldb, int64_t ldc,
                                      bool accumulate) {
  ThreadContext &c = context();
  const memory::desc src({N, K}, memory::data_type::f32, tb ? memory::dims{1, ldb} : memory::dims{ldb, 1});
  const memory::desc weights({K, M}, memory::data_type::f32, ta ? memory::dims{1, lda} : memory::dims{lda, 1});
  const memory::desc dst({N, M}, memory::data_type::f32, memory::dims{ldc, 1});
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

} // namespace

bool gemm(bool ta, bool tb, int64_t M, int64_t N, int64_t K, const float *A, int64_t lda, const float *B, int64_t ldb, float *C,
          int64_t ldc, float beta) {
  if (beta != 0.0f && beta != 1.0f) return false;
  using Key = std::array<int64_t, 9>;
  thread_local std::map<Key, std::unique_ptr<Product>> made; // null: no brgemm for the shape
  const Key key{ta, tb, M, N, K, lda, ldb, ldc, beta != 0.0f};
  auto [it, inserted] = made.try_emplace(key);
  if (inserted) it->second = make_product(ta, tb, M, N, K, lda, ldb, ldc, beta != 0.0f);
  Product *p = it->second.get();
  if (!p) return false;
  p->src.set_data_handle(const_cast<float *>(B));
  p->weights.set_data_handle(const_cast<float *>(A));
  p->dst.set_data_handle(C);
  ThreadContext &c = context();
  p->primitive.execute(c.stream, {{DNNL_ARG_SRC, p->src}, {DNNL_ARG_WEIGHTS, p->weights}, {DNNL_ARG_DST, p->dst}});
  c.stream.wait();
  return true;
}

} // namespace aec::runtime::onednn
