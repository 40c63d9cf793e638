// The two lowerings of aec's convolutions (runtime/conv_calls.cpp) at conv_ae's shapes, batch
// 128, on the calling thread: im2col + OpenBLAS SGEMM per sample, and oneDNN's convolution
// primitives (Debian's libdnnl-dev, the library PyTorch runs its CPU convolutions on), on aec's
// layouts (nchw, oihw) and on the blocked layouts oneDNN prefers, alone and with the reorders
// around them; then aec's choice per operation. The measurement behind that choice: for each
// geometry and each of the three operations of a training step (forward, gradient of the input,
// gradient of the filters), median times.
//   bench/conv_shapes [REPEATS]   (run by bench/run.sh with OMP_NUM_THREADS=1, taskset -c 0)
#include "bench/bench_support.h"
#include "runtime/blas_core.h"
#include "runtime/conv_calls.h"

#include <dnnl.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

namespace {

using dnnl::memory;

struct Shape {
  const char *name;
  int64_t o, c, k, h, oh, stride, pad; // square images and filters
  std::vector<int64_t> geometry() const { return {o, c, k, k, h, h, oh, oh, stride, pad}; }
};

// conv_ae's four layers: conv K1, conv K2, conv_t T2, conv_t T1 (filters [o, c, k, k] take the
// large image [c, h, h] to the small [o, oh, oh]).
const Shape kShapes[] = {
    {"K1 1x28x28 -> 16x14x14", 16, 1, 3, 28, 14, 2, 1},
    {"K2 16x14x14 -> 32x7x7", 32, 16, 3, 14, 7, 2, 1},
    {"T2 16x14x14 <- 32x7x7", 32, 16, 4, 14, 7, 2, 1},
    {"T1 1x28x28 <- 16x14x14", 16, 1, 4, 28, 14, 2, 1},
};
constexpr int64_t kBatch = 128;

using aec::bench::random_floats;

double median_ms(int repeats, const std::function<void()> &run) { return aec::bench::median_seconds(run, repeats) * 1e3; }

// A primitive on the memory layouts it prefers (format_tag::any): its time alone, what oneDNN
// could give if aec kept its images in oneDNN's blocked layouts, and its time with the reorders
// from and to aec's layouts (`inputs` and `output`, the plain primitive's memories) around it.
struct Blocked {
  std::string impl;
  double ms, with_reorders_ms;
};
template <class Primitive, class PrimitiveDesc>
Blocked time_blocked(const PrimitiveDesc &pd, const std::unordered_map<int, memory> &inputs, std::pair<int, memory> output, int repeats,
                     dnnl::engine &eng, dnnl::stream &strm) {
  std::unordered_map<int, memory> args;
  std::vector<std::pair<memory, memory>> to_blocked; // before the primitive
  std::vector<dnnl::reorder> before;
  for (const auto &[arg, plain] : inputs) {
    memory m(pd.query_md(dnnl::query::exec_arg_md, arg), eng);
    args.emplace(arg, m);
    to_blocked.push_back({plain, m});
    before.emplace_back(plain, m);
  }
  memory out(pd.query_md(dnnl::query::exec_arg_md, output.first), eng);
  args.emplace(output.first, out);
  dnnl::reorder after(out, output.second);
  auto reorder_inputs = [&] {
    for (size_t i = 0; i < before.size(); ++i) before[i].execute(strm, to_blocked[i].first, to_blocked[i].second);
  };
  reorder_inputs(); // the blocked operands hold the same numbers
  strm.wait();
  Primitive p(pd);
  Blocked b{pd.impl_info_str(),
            median_ms(repeats,
                      [&] {
                        p.execute(strm, args);
                        strm.wait();
                      }),
            0};
  b.with_reorders_ms = median_ms(repeats, [&] {
    reorder_inputs();
    p.execute(strm, args);
    after.execute(strm, out, output.second);
    strm.wait();
  });
  return b;
}

struct Row {
  std::string op, impl;
  double im2col_ms, dnnl_ms;
  Blocked blocked;
  double chosen_ms, max_diff;
};

float max_abs_diff(const std::vector<float> &a, const std::vector<float> &b) {
  float d = 0;
  for (size_t i = 0; i < a.size(); ++i) d = std::max(d, std::abs(a[i] - b[i]) / (1 + std::abs(a[i])));
  return d;
}

// The three primitives of one geometry on the given activation and filter layouts.
struct Primitives {
  dnnl::convolution_forward::primitive_desc fwd;
  dnnl::convolution_backward_data::primitive_desc bwd_data;
  dnnl::convolution_backward_weights::primitive_desc bwd_weights;
};
Primitives primitives(const Shape &s, memory::format_tag images, memory::format_tag filters, dnnl::engine &eng) {
  memory::desc src({kBatch, s.c, s.h, s.h}, memory::data_type::f32, images);
  memory::desc dst({kBatch, s.o, s.oh, s.oh}, memory::data_type::f32, images);
  memory::desc wei({s.o, s.c, s.k, s.k}, memory::data_type::f32, filters);
  memory::dims strides{s.stride, s.stride}, pad{s.pad, s.pad};
  // The padding on the far side that makes the output oh (oneDNN asks for it explicitly).
  const int64_t pad_r = (s.oh - 1) * s.stride + s.k - s.h - s.pad;
  memory::dims pad_right{pad_r, pad_r};
  using namespace dnnl;
  convolution_forward::primitive_desc fwd(
      convolution_forward::desc(prop_kind::forward_training, algorithm::convolution_direct, src, wei, dst, strides, pad, pad_right), eng);
  return {fwd,
          convolution_backward_data::primitive_desc(
              convolution_backward_data::desc(algorithm::convolution_direct, src, wei, dst, strides, pad, pad_right), eng, fwd),
          convolution_backward_weights::primitive_desc(
              convolution_backward_weights::desc(algorithm::convolution_direct, src, wei, dst, strides, pad, pad_right), eng, fwd)};
}

std::vector<Row> measure(const Shape &s, int repeats, dnnl::engine &eng, dnnl::stream &strm) {
  std::mt19937 rng(1);
  const int64_t large = s.c * s.h * s.h, small = s.o * s.oh * s.oh, filters = s.o * s.c * s.k * s.k;
  std::vector<float> x = random_floats(kBatch * large, rng), y = random_floats(kBatch * small, rng), k = random_floats(filters, rng);
  std::vector<float> y_aec(y.size()), y_dnnl(y.size()), x_aec(x.size()), x_dnnl(x.size()), k_aec(k.size()), k_dnnl(k.size());
  const std::vector<int64_t> g = s.geometry();

  Primitives plain = primitives(s, memory::format_tag::nchw, memory::format_tag::oihw, eng);
  Primitives best = primitives(s, memory::format_tag::any, memory::format_tag::any, eng);
  memory mx(plain.fwd.src_desc(), eng, x.data()), my(plain.fwd.dst_desc(), eng, y.data()), mk(plain.fwd.weights_desc(), eng, k.data());
  memory my_out(plain.fwd.dst_desc(), eng, y_dnnl.data()), mx_out(plain.fwd.src_desc(), eng, x_dnnl.data()),
      mk_out(plain.fwd.weights_desc(), eng, k_dnnl.data());
  auto time_plain = [&](dnnl::primitive p, std::unordered_map<int, memory> args) {
    return median_ms(repeats, [&] {
      p.execute(strm, args);
      strm.wait();
    });
  };

  std::vector<Row> rows;
  using aec::runtime::ConvLowering;
  auto im2col_and_chosen = [&](const std::function<void()> &call) {
    double chosen = median_ms(repeats, call);
    aec::runtime::force_conv_lowering(ConvLowering::Im2col); // last: its results are compared with oneDNN's
    double im2col = median_ms(repeats, call);
    aec::runtime::force_conv_lowering(ConvLowering::ByRule);
    return std::pair(im2col, chosen);
  };
  auto [a, chosen] = im2col_and_chosen([&] { aec_conv(g.data(), k.data(), 0, x.data(), large, y_aec.data(), kBatch); });
  double d = time_plain(dnnl::convolution_forward(plain.fwd), {{DNNL_ARG_SRC, mx}, {DNNL_ARG_WEIGHTS, mk}, {DNNL_ARG_DST, my_out}});
  Blocked b = time_blocked<dnnl::convolution_forward>(best.fwd, {{DNNL_ARG_SRC, mx}, {DNNL_ARG_WEIGHTS, mk}}, {DNNL_ARG_DST, my_out},
                                                      repeats, eng, strm);
  rows.push_back({"forward (conv)", plain.fwd.impl_info_str(), a, d, b, chosen, max_abs_diff(y_aec, y_dnnl)});

  std::tie(a, chosen) = im2col_and_chosen([&] { aec_conv_t(g.data(), k.data(), 0, y.data(), small, x_aec.data(), kBatch); });
  d = time_plain(dnnl::convolution_backward_data(plain.bwd_data),
                 {{DNNL_ARG_DIFF_DST, my}, {DNNL_ARG_WEIGHTS, mk}, {DNNL_ARG_DIFF_SRC, mx_out}});
  b = time_blocked<dnnl::convolution_backward_data>(best.bwd_data, {{DNNL_ARG_DIFF_DST, my}, {DNNL_ARG_WEIGHTS, mk}},
                                                    {DNNL_ARG_DIFF_SRC, mx_out}, repeats, eng, strm);
  rows.push_back({"input gradient (conv_t)", plain.bwd_data.impl_info_str(), a, d, b, chosen, max_abs_diff(x_aec, x_dnnl)});

  std::tie(a, chosen) = im2col_and_chosen([&] { aec_conv_filter(g.data(), y.data(), small, x.data(), large, k_aec.data(), kBatch); });
  d = time_plain(dnnl::convolution_backward_weights(plain.bwd_weights),
                 {{DNNL_ARG_SRC, mx}, {DNNL_ARG_DIFF_DST, my}, {DNNL_ARG_DIFF_WEIGHTS, mk_out}});
  b = time_blocked<dnnl::convolution_backward_weights>(best.bwd_weights, {{DNNL_ARG_SRC, mx}, {DNNL_ARG_DIFF_DST, my}},
                                                       {DNNL_ARG_DIFF_WEIGHTS, mk_out}, repeats, eng, strm);
  rows.push_back({"filter gradient (conv_filter)", plain.bwd_weights.impl_info_str(), a, d, b, chosen, max_abs_diff(k_aec, k_dnnl)});
  return rows;
}

} // namespace

int main(int argc, char **argv) {
  const int repeats = argc > 1 ? std::max(1, std::atoi(argv[1])) : 21;
  const std::string blas = aec::runtime::ensure_blas_kernels(); // as aec's kernels do before their first product
  dnnl::engine eng(dnnl::engine::kind::cpu, 0);
  dnnl::stream strm(eng);
  std::printf("conv_ae's convolutions, batch %lld, median of %d runs; OpenBLAS %s kernels, oneDNN %d.%d.%d\n",
              static_cast<long long>(kBatch), repeats, blas.c_str(), dnnl_version()->major, dnnl_version()->minor, dnnl_version()->patch);
  std::printf("%-24s %-30s %7s | %7s %6s | %7s %6s %7s %6s %-16s | %7s %6s  %s\n", "layer", "operation", "im2col", "oneDNN", "ratio",
              "blocked", "ratio", "+reord.", "ratio", "kernel", "aec", "ratio", "max rel diff");
  double im2col = 0, plain = 0, blocked = 0, reordered = 0, chosen = 0;
  for (const Shape &s : kShapes)
    for (const Row &r : measure(s, repeats, eng, strm)) {
      const double base = r.im2col_ms;
      std::printf("%-24s %-30s %7.3f | %7.3f %5.2fx | %7.3f %5.2fx %7.3f %5.2fx %-16s | %7.3f %5.2fx  %.1e\n", s.name, r.op.c_str(), base,
                  r.dnnl_ms, r.dnnl_ms / base, r.blocked.ms, r.blocked.ms / base, r.blocked.with_reorders_ms,
                  r.blocked.with_reorders_ms / base, r.blocked.impl.c_str(), r.chosen_ms, r.chosen_ms / base, r.max_diff);
      im2col += base;
      plain += r.dnnl_ms;
      blocked += r.blocked.ms;
      reordered += r.blocked.with_reorders_ms;
      chosen += r.chosen_ms;
    }
  std::printf("%-55s %7.3f | %7.3f %5.2fx | %7.3f %5.2fx %7.3f %5.2fx %-16s | %7.3f %5.2fx\n", "all twelve", im2col, plain, plain / im2col,
              blocked, blocked / im2col, reordered, reordered / im2col, "", chosen, chosen / im2col);
  std::printf("milliseconds, and ratios to im2col's (im2col + OpenBLAS SGEMM per sample): oneDNN on aec's layouts (nchw, oihw;\n"
              "its gemm:jit), on its preferred blocked layouts alone and with the reorders from and to aec's layouts around it,\n"
              "and aec's choice per operation (runtime/conv_calls.cpp); max rel diff: im2col's results against oneDNN's\n");
}
