#include "runtime/conv_onednn.h"
#include "runtime/onednn_context.h"

#include <dnnl.hpp>

#include <map>
#include <memory>
#include <tuple>
#include <unordered_map>
#include <vector>

namespace aec::runtime::onednn {
namespace {

using dnnl::memory;

// An operand in aec's layout (its data pointer set per call) and, when the primitive wants another
// layout, the primitive's copy with the reorder between them.
struct Operand {
  memory plain, blocked;
  dnnl::reorder reorder; // plain -> blocked for inputs, blocked -> plain for the result
  bool reordered = false;
  Operand() = default;
  Operand(const memory::desc &plain_md, const memory::desc &wanted, bool input, dnnl::engine &e)
      : plain(plain_md, e, DNNL_MEMORY_NONE), blocked(plain) {
    if (wanted == plain_md) return;
    blocked = memory(wanted, e);
    reorder = input ? dnnl::reorder(plain, blocked) : dnnl::reorder(blocked, plain);
    reordered = true;
  }
  const memory &used() const { return reordered ? blocked : plain; }
};

// One primitive made for one operation, geometry and sample count: its two inputs and its result.
struct Prepared {
  dnnl::primitive primitive;
  std::vector<std::pair<int, Operand>> inputs;
  std::pair<int, Operand> result;
  memory scratchpad;
  std::unordered_map<int, memory> args;

  void run(const float *first, const float *second, float *out) {
    ThreadContext &c = context();
    const float *data[2] = {first, second};
    for (size_t i = 0; i < inputs.size(); ++i) {
      Operand &in = inputs[i].second;
      in.plain.set_data_handle(const_cast<float *>(data[i]));
      if (in.reordered) in.reorder.execute(c.stream, in.plain, in.blocked);
    }
    result.second.plain.set_data_handle(out);
    primitive.execute(c.stream, args);
    if (result.second.reordered) result.second.reorder.execute(c.stream, result.second.blocked, result.second.plain);
    c.stream.wait();
  }
};

// aec's layouts (row-major: nchw images, oihw filters) and "any" (the primitive's choice).
struct Descs {
  memory::desc large, small, filters;
};
Descs descs(const ConvGeometry &g, int64_t n, bool plain) {
  auto images = plain ? memory::format_tag::nchw : memory::format_tag::any;
  return {memory::desc({n, g.c, g.h, g.w}, memory::data_type::f32, images),
          memory::desc({n, g.o, g.oh, g.ow}, memory::data_type::f32, images),
          memory::desc({g.o, g.c, g.kh, g.kw}, memory::data_type::f32, plain ? memory::format_tag::oihw : memory::format_tag::any)};
}

std::unique_ptr<Prepared> prepare(ConvOp op, const ConvGeometry &g, int64_t n) {
  dnnl::engine &e = context().engine;
  const Descs plain = descs(g, n, true), any = descs(g, n, false);
  const memory::dims strides{g.stride, g.stride}, pad{g.pad, g.pad};
  // The padding on the far side that gives the small image its size (oneDNN asks for it).
  const memory::dims pad_far{(g.oh - 1) * g.stride + g.kh - g.h - g.pad, (g.ow - 1) * g.stride + g.kw - g.w - g.pad};
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  using namespace dnnl;
  convolution_forward::primitive_desc forward(convolution_forward::desc(prop_kind::forward_training, algorithm::convolution_direct,
                                                                        any.large, any.filters, any.small, strides, pad, pad_far),
                                              attr, e);
  auto made = std::make_unique<Prepared>();
  auto operand = [&](const primitive_desc_base &pd, int arg, const memory::desc &plain_md, bool input) {
    return std::pair<int, Operand>(arg, Operand(plain_md, pd.query_md(query::exec_arg_md, arg), input, e));
  };
  auto finish = [&](const primitive_desc_base &pd, primitive p) {
    made->primitive = p;
    made->scratchpad = memory(pd.scratchpad_desc(), e);
    for (auto &[arg, in] : made->inputs) made->args.emplace(arg, in.used());
    made->args.emplace(made->result.first, made->result.second.used());
    made->args.emplace(DNNL_ARG_SCRATCHPAD, made->scratchpad);
  };
  switch (op) {
  case ConvOp::Forward:
    made->inputs = {operand(forward, DNNL_ARG_WEIGHTS, plain.filters, true), operand(forward, DNNL_ARG_SRC, plain.large, true)};
    made->result = operand(forward, DNNL_ARG_DST, plain.small, false);
    finish(forward, convolution_forward(forward));
    break;
  case ConvOp::InputGradient: {
    convolution_backward_data::primitive_desc pd(
        convolution_backward_data::desc(algorithm::convolution_direct, any.large, any.filters, any.small, strides, pad, pad_far), attr, e,
        forward);
    made->inputs = {operand(pd, DNNL_ARG_WEIGHTS, plain.filters, true), operand(pd, DNNL_ARG_DIFF_DST, plain.small, true)};
    made->result = operand(pd, DNNL_ARG_DIFF_SRC, plain.large, false);
    finish(pd, convolution_backward_data(pd));
    break;
  }
  case ConvOp::FilterGradient: {
    convolution_backward_weights::primitive_desc pd(
        convolution_backward_weights::desc(algorithm::convolution_direct, any.large, any.filters, any.small, strides, pad, pad_far), attr,
        e, forward);
    made->inputs = {operand(pd, DNNL_ARG_DIFF_DST, plain.small, true), operand(pd, DNNL_ARG_SRC, plain.large, true)};
    made->result = operand(pd, DNNL_ARG_DIFF_WEIGHTS, plain.filters, false);
    finish(pd, convolution_backward_weights(pd));
    break;
  }
  }
  return made;
}

Prepared &prepared(ConvOp op, const ConvGeometry &g, int64_t n) {
  thread_local std::map<std::tuple<ConvOp, std::array<int64_t, 10>, int64_t>, std::unique_ptr<Prepared>> made;
  std::unique_ptr<Prepared> &p = made[{op, g.key(), n}];
  if (!p) p = prepare(op, g, n);
  return *p;
}

} // namespace

bool available(ConvOp op, const ConvGeometry &g) {
  thread_local std::map<std::pair<ConvOp, std::array<int64_t, 10>>, bool> known;
  auto [it, inserted] = known.try_emplace({op, g.key()}, false);
  if (inserted) try {
      prepared(op, g, 1);
      it->second = true;
    } catch (const dnnl::error &) {}
  return it->second;
}

void conv(const ConvGeometry &g, const float *k, const float *large, float *small, int64_t n) {
  prepared(ConvOp::Forward, g, n).run(k, large, small);
}

void conv_t(const ConvGeometry &g, const float *k, const float *small, float *large, int64_t n) {
  prepared(ConvOp::InputGradient, g, n).run(k, small, large);
}

void conv_filter(const ConvGeometry &g, const float *small, const float *large, float *k, int64_t n) {
  prepared(ConvOp::FilterGradient, g, n).run(small, large, k);
}

std::string version() {
  const dnnl_version_t *v = dnnl_version();
  return std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch);
}

} // namespace aec::runtime::onednn
