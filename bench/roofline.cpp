// The roofline of a training step on this machine, one thread: for every GEMM shape a model's
// training step runs (recorded from the step itself, batch 256), the speed of each library at
// that shape (OpenBLAS float32; oneDNN's matmul float32, and bfloat16 operands with float32 sums
// where the CPU has bfloat16 instructions), and the speed of a plain vectorized Adam loop over
// the model's params (memory-bound: 28 bytes a param). A step's roofline is its GEMMs at the best
// library's speed for each shape plus one Adam pass; samples/s = batch / that.
// Also, for oneDNN's float32 products, their speed with the operands out of the caches, as they
// mostly are in a step, and that "cold" roofline.
// Prints a table per model, then one line per model for bench/run.sh:
//   roofline MODEL fp32 SAMPLES_PER_S gemm_only SAMPLES_PER_S bf16 SAMPLES_PER_S|- cold SAMPLES_PER_S
// Usage: bench/roofline [MODEL...]   (examples/MODEL.ae; default relu_ae deep_ae contractive)
#include "bench/bench_support.h"
#include "driver/driver.h"
#include "runtime/batch_io.h"
#include "runtime/bfloat16.h"
#include "runtime/blas_core.h"
#include "runtime/cpu_dispatch.h"
#include "runtime/executor.h"
#include "runtime/gemm_record.h"
#include "runtime/init.h"
#include "runtime/onednn_matmul.h"

#include <cblas.h>
#include <dnnl.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

extern "C" void omp_set_num_threads(int); // GNU OpenMP, which oneDNN is built on

namespace {

using namespace aec;
using runtime::GemmShape;

constexpr int64_t kBatch = 256;

using bench::random_floats;

// The median time of `body`, repeated until at least 0.2 s and 9 times have passed.
double median_seconds(const std::function<void()> &body) { return bench::median_seconds(body, 9, 0.2); }

// The median time of `body` with its operands out of the caches: 15 runs, each after writing a
// 64 MB buffer (more than this machine's last-level cache share). In a training step a product's
// operands were written by other steps since it last ran; a warm measurement is the best case.
double cold_median_seconds(const std::function<void()> &body) {
  static std::vector<float> sweep(size_t(16) << 20);
  return bench::median_seconds(body, 15, 0, [] {
    for (size_t i = 0; i < sweep.size(); i += 16) sweep[i] += 1.0f;
  });
}

// Column-major operands of a shape, as aec_gemm gets them: op(A) [m, k], op(B) [k, n], C [m, n].
struct Operands {
  int64_t lda, ldb;
  std::vector<float> a, b, c;
  Operands(const GemmShape &s, std::mt19937 &rng)
      : lda(s.ta ? s.k : s.m), ldb(s.tb ? s.n : s.k), a(random_floats(s.m * s.k, rng)), b(random_floats(s.k * s.n, rng)),
        c(static_cast<size_t>(s.m * s.n)) {}
};

double openblas_seconds(const GemmShape &s, Operands &o) {
  return median_seconds([&] {
    cblas_sgemm(CblasColMajor, s.ta ? CblasTrans : CblasNoTrans, s.tb ? CblasTrans : CblasNoTrans, blasint(s.m), blasint(s.n), blasint(s.k),
                1.0f, o.a.data(), blasint(o.lda), o.b.data(), blasint(o.ldb), 0.0f, o.c.data(), blasint(s.m));
  });
}

// oneDNN's matmul of the shape (runtime/onednn_matmul.h: the column-major product as oneDNN sees it).
double onednn_seconds(const GemmShape &s, Operands &o, dnnl::memory::data_type operands, bool *brgemm = nullptr, bool cold = false) {
  using dnnl::memory;
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  static dnnl::stream stream(engine);
  const auto [b_f32, a_f32, c_md] =
      runtime::onednn::column_major_product(s.ta, s.tb, s.m, s.n, s.k, o.lda, o.ldb, s.m, memory::data_type::f32);
  // float32: the operands where they are; bfloat16: converted to the layout the primitive wants,
  // outside the timing (the conversion is the caller's cost, like packing).
  const bool f32 = operands == memory::data_type::f32;
  const dnnl::matmul::primitive_desc pd(f32 ? dnnl::matmul::desc(b_f32, a_f32, c_md)
                                            : dnnl::matmul::desc(memory::desc({s.n, s.k}, operands, memory::format_tag::any),
                                                                 memory::desc({s.k, s.m}, operands, memory::format_tag::any), c_md),
                                        engine);
  if (std::getenv("ROOFLINE_VERBOSE")) std::fprintf(stderr, "%s\n", pd.impl_info_str());
  if (brgemm) *brgemm = std::strncmp(pd.impl_info_str(), "brg", 3) == 0;
  memory a_plain(a_f32, engine, o.a.data()), b_plain(b_f32, engine, o.b.data()), c(c_md, engine, o.c.data());
  memory a = a_plain, b = b_plain;
  if (!f32) {
    a = memory(pd.weights_desc(), engine);
    b = memory(pd.src_desc(), engine);
    dnnl::reorder(a_plain, a).execute(stream, a_plain, a);
    dnnl::reorder(b_plain, b).execute(stream, b_plain, b);
    stream.wait();
  }
  const dnnl::matmul product(pd);
  auto run = [&] {
    product.execute(stream, {{DNNL_ARG_SRC, b}, {DNNL_ARG_WEIGHTS, a}, {DNNL_ARG_DST, c}});
    stream.wait();
  };
  return cold ? cold_median_seconds(run) : median_seconds(run);
}

// A plain Adam update of n params, one pass: reads param, gradient, m, v; writes param, m, v.
AEC_CPU_DISPATCH void adam(float *p, const float *g, float *m, float *v, int64_t n, float lr) {
  const float b1 = 0.9f, b2 = 0.999f, eps = 1e-8f;
  for (int64_t i = 0; i < n; ++i) {
    m[i] = b1 * m[i] + (1 - b1) * g[i];
    v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
    p[i] -= lr * m[i] / (std::sqrt(v[i]) + eps);
  }
}

double adam_seconds(int64_t n, std::mt19937 &rng) {
  std::vector<float> p = random_floats(n, rng), g = random_floats(n, rng), m(static_cast<size_t>(n)), v(static_cast<size_t>(n));
  return median_seconds([&] { adam(p.data(), g.data(), m.data(), v.data(), n, 1e-3f); });
}

// The GEMMs of one training step of `m` at batch kBatch, by shape, with their calls a step.
runtime::GemmRecords step_gemms(const Model &m, std::mt19937 &rng) {
  auto kernel = driver::compile(m, driver::Request::training_step(), runtime::kernel_options(kBatch, 1));
  runtime::Executor ex(*kernel, kBatch);
  runtime::ParamStore params;
  std::mt19937_64 init(1);
  for (const ParamInfo &p : m.params) params[p.name] = runtime::initialize_storage(p, kBatch, init);
  runtime::bind_shared_params(ex, m, params);
  for (const InputInfo &in : m.inputs)
    if (float *x = ex.input(in.name)) {
      std::uniform_real_distribution<float> pixel(0, 1);
      for (int64_t i = 0; i < int64_t(in.width) * kBatch; ++i) x[i] = pixel(rng);
    }
  for (const ParamInfo &p : m.params)
    if (p.per_sample)
      if (float *rows = ex.per_sample_param(p.name)) std::fill_n(rows, p.shape.numel() * kBatch, 0.01f);
  runtime::draw_noise(ex, kBatch, init);
  ex.run(kBatch);
  runtime::start_recording_gemms();
  ex.run(kBatch);
  return runtime::stop_recording_gemms();
}

} // namespace

int main(int argc, char **argv) {
  std::vector<std::string> models(argv + 1, argv + argc);
  if (models.empty()) models = {"relu_ae", "deep_ae", "contractive"};
  omp_set_num_threads(1);
  const std::string kernels = runtime::ensure_blas_kernels();
  const bool bf16 = !runtime::bfloat16_instructions().empty();
  std::printf("one thread; OpenBLAS kernels %s; oneDNN %s bfloat16 (%s)\n", kernels.c_str(), bf16 ? "with" : "without",
              bf16 ? "the CPU has bfloat16 instructions" : "the CPU has no bfloat16 instructions: that column is left out");
  std::mt19937 rng(1);
  std::vector<std::string> summaries;
  for (const std::string &name : models) {
    ElaborateOptions eo;
    eo.data_width = 784;
    const Model m = driver::load_model(driver::read_source(std::string(AEC_EXAMPLES_DIR) + "/" + name + ".ae"), eo);
    const runtime::GemmRecords gemms = step_gemms(m, rng);
    std::printf("\n%s, batch %lld: GEMM shapes a step (column-major C[m, n] = op(A) op(B)), GFLOP/s\n", name.c_str(), (long long)kBatch);
    std::printf("%6s %6s %6s %3s %5s %10s %10s %10s %12s\n", "m", "n", "k", "op", "calls", "OpenBLAS", "oneDNN", "oneDNN bf16",
                "oneDNN cold");
    double best_f32 = 0, best_bf16 = 0, rule_f32 = 0, cold_f32 = 0;
    for (const auto &[shape, record] : gemms) {
      Operands o(shape, rng);
      bool brgemm = false;
      const double blas = openblas_seconds(shape, o), dnn = onednn_seconds(shape, o, dnnl::memory::data_type::f32, &brgemm);
      const double half = bf16 ? onednn_seconds(shape, o, dnnl::memory::data_type::bf16) : NAN;
      const double cold = brgemm ? onednn_seconds(shape, o, dnnl::memory::data_type::f32, nullptr, true) : blas;
      const double calls = double(record.calls);
      best_f32 += calls * std::min(blas, dnn);
      rule_f32 += calls * (brgemm ? dnn : blas); // aec's choice (runtime/gemm_calls.cpp)
      cold_f32 += calls * cold;
      best_bf16 += calls * half;
      const std::string op = std::string(shape.ta ? "T" : "N") + (shape.tb ? "T" : "N");
      std::printf("%6lld %6lld %6lld %3s %5lld %10.1f %10.1f %10s %12.1f\n", (long long)shape.m, (long long)shape.n, (long long)shape.k,
                  op.c_str(), (long long)record.calls, shape.flops() / blas / 1e9, shape.flops() / dnn / 1e9,
                  bf16 ? std::to_string(int(std::lround(shape.flops() / half / 1e9))).c_str() : "-", shape.flops() / cold / 1e9);
    }
    int64_t shared = 0;
    for (const ParamInfo &p : m.params) shared += p.per_sample ? p.shape.numel() * kBatch : p.shape.numel();
    const double update = adam_seconds(shared, rng);
    std::printf("Adam over %lld params: %.3f ms (%.1f GB/s at 28 bytes a param)\n", (long long)shared, update * 1e3,
                28.0 * double(shared) / update / 1e9);
    std::printf("aec's rule (oneDNN wherever it has a brgemm kernel, else OpenBLAS): its GEMMs take %.1f%% of the best library's "
                "time per shape\n",
                100 * rule_f32 / best_f32);
    const double fp32 = double(kBatch) / (best_f32 + update), gemm_only = double(kBatch) / best_f32;
    const double cold_roofline = double(kBatch) / (cold_f32 + update);
    std::printf("with every product's operands out of the caches (aec's rule): the GEMMs take %.0f%% longer; %.0f samples/s\n",
                100 * (cold_f32 / best_f32 - 1), cold_roofline);
    const double half = bf16 ? double(kBatch) / (best_bf16 + update) : NAN;
    std::printf("roofline: %.0f samples/s in float32 (GEMMs alone %.0f)%s\n", fp32, gemm_only,
                bf16 ? (", " + std::to_string(std::lround(half)) + " with bfloat16 products").c_str() : "");
    summaries.push_back("roofline " + name + " fp32 " + std::to_string(std::lround(fp32)) + " gemm_only " +
                        std::to_string(std::lround(gemm_only)) + " bf16 " + (bf16 ? std::to_string(std::lround(half)) : "-") + " cold " +
                        std::to_string(std::lround(cold_roofline)));
  }
  std::printf("\n");
  for (const std::string &s : summaries) std::printf("%s\n", s.c_str());
  return 0;
}
