// The image built-ins of LANGUAGE.md (Images): reshape, flatten, conv, conv_t, maxpool, avgpool,
// upsample. Every shape error names the operands and the sizes that disagree.
#include "sema/elaborator.h"

#include <cmath>

namespace aec::sema {

using ir::NodeId;
using ir::Op;
using ir::Shape;
using ir::Size;

namespace {
bool is_image_builtin(const std::string &f) {
  return f == "reshape" || f == "flatten" || f == "conv" || f == "conv_t" || f == "maxpool" || f == "avgpool" || f == "upsample";
}
std::string side_text(Size h, Size w) { return std::to_string(h) + "x" + std::to_string(w); }
} // namespace

Size Elaborator::size_argument(const ast::Expr &call, const ast::Expr &a) {
  if (a.kind == ast::ExprKind::Number && a.number >= 1 && a.number == std::floor(a.number) && a.number <= double(ir::kMaxSize))
    return static_cast<Size>(a.number);
  if (a.kind == ast::ExprKind::Name && model_.dims.count(a.name)) return model_.dims.at(a.name);
  fail(a.span, call.name + " expects a size here (a positive integer or a dim), got '" + a.text + "'");
}

bool Elaborator::image_builtin(const ast::Expr &e, NodeId &out) {
  const std::string &f = e.name;
  if (!is_image_builtin(f)) return false;
  const bool convolution = f == "conv" || f == "conv_t";
  auto arity = [&](size_t lo, size_t hi) {
    if (e.args.size() < lo || e.args.size() > hi) {
      std::string want = lo == hi ? std::to_string(lo) : std::to_string(lo) + " or more";
      fail(e.span, f + " takes " + want + " argument" + (hi == 1 ? "" : "s") + ", got " + std::to_string(e.args.size()));
    }
  };
  // stride= and pad=, integers (or dims) of at least 1 and 0
  ir::Attr attr;
  for (const ast::Keyword &k : e.keywords) {
    if (!convolution) fail(k.span, f + " takes no keyword argument " + k.name + " (only conv and conv_t take stride= and pad=)");
    if (k.name != "stride" && k.name != "pad") fail(k.span, f + " has no keyword argument " + k.name + "; it takes stride= and pad=");
    double v = constant(k.value);
    Size least = k.name == "stride" ? 1 : 0;
    if (v != std::floor(v) || v < static_cast<double>(least) || v > 65536)
      fail(k.value->span,
           f + "'s " + k.name + " must be an integer of at least " + std::to_string(least) + ", got '" + k.value->text + "'");
    (k.name == "stride" ? attr.stride : attr.pad) = static_cast<Size>(v);
  }
  auto image_arg = [&](size_t i) {
    NodeId t = expr(e.args[i]);
    if (!g().shape(t).is_image())
      fail(e.args[i]->span, f + " needs an image [c, h, w], but " + describe(*e.args[i], t) + " is not one" +
                                (g().shape(t).rank == 1 ? "; reshape(v, c, h, w) views a vector as an image" : ""));
    return t;
  };

  if (f == "reshape" || f == "flatten") {
    arity(f == "flatten" ? 1 : 2, f == "flatten" ? 1 : 4);
    NodeId v = expr(e.args[0]);
    Shape from = g().shape(v), to;
    if (f == "flatten") {
      to = Shape::vector(from.concrete() ? from.numel() : from.d[0]); // a size the data sets is not known yet
    } else {
      for (size_t i = 1; i < e.args.size(); ++i) to.d[to.rank++] = size_argument(e, *e.args[i]);
      if (from.concrete() && to.concrete() && from.numel() != to.numel())
        fail(e.span, "cannot reshape " + describe(*e.args[0], v) + " to " + g().shape_text(to) + ": " + std::to_string(from.numel()) +
                         " entries and " + std::to_string(to.numel()));
    }
    if (from == to) {
      out = v;
      return true;
    }
    // A reshape keeps the row-major order of the entries; a matrix stores its columns, so it is
    // transposed on the way in (its storage then runs along its rows) and on the way out.
    if (from.rank == 2) v = g().unary(Op::Transpose, v, e.span);
    ir::Attr view;
    view.shape = to.rank == 2 ? Shape::matrix(to.d[1], to.d[0]) : to;
    v = g().add(Op::Reshape, {v}, view, e.span);
    out = to.rank == 2 ? g().unary(Op::Transpose, v, e.span) : v;
    return true;
  }

  if (convolution) {
    arity(2, 2);
    NodeId k = expr(e.args[0]);
    const Shape ks = g().shape(k);
    if (ks.rank != 4)
      fail(e.args[0]->span, f + " needs a filter bank [" + std::string(f == "conv" ? "o, c" : "c, o") + ", kh, kw] first, but " +
                                describe(*e.args[0], k) + " is not one");
    if (g().batched(k))
      fail(e.args[0]->span,
           f + "'s filter bank must be the same for every sample, but " + describe(*e.args[0], k) + " varies from sample to sample");
    NodeId t = image_arg(1);
    const Shape ts = g().shape(t);
    Size k_in = f == "conv" ? ks.d[1] : ks.d[0];
    if (sizes_conflict(k_in, ts.d[0]))
      fail(e.span, f + "'s filters " + describe(*e.args[0], k) + " take " + g().size_text(k_in) + " channel" + (k_in == 1 ? "" : "s") +
                       ", but " + describe(*e.args[1], t) + " has " + g().size_text(ts.d[0]));
    if (f == "conv") {
      if (ts.d[1] + 2 * attr.pad < ks.d[2] || ts.d[2] + 2 * attr.pad < ks.d[3])
        fail(e.span, "conv's " + side_text(ks.d[2], ks.d[3]) + " window does not fit in " + describe(*e.args[1], t) +
                         (attr.pad ? " padded by " + std::to_string(attr.pad) : ""));
      out = g().add(Op::Conv, {k, t}, attr, e.span);
      return true;
    }
    Size h = (ts.d[1] - 1) * attr.stride - 2 * attr.pad + ks.d[2], w = (ts.d[2] - 1) * attr.stride - 2 * attr.pad + ks.d[3];
    if (h < 1 || w < 1)
      fail(e.span, "conv_t of " + describe(*e.args[1], t) + " with " + side_text(ks.d[2], ks.d[3]) + " filters, stride " +
                       std::to_string(attr.stride) + " and pad " + std::to_string(attr.pad) +
                       " has no output: (h - 1) stride - 2 pad + kh = " + std::to_string(h));
    if (h > ir::kMaxSize || w > ir::kMaxSize) fail(e.span, "conv_t's output " + side_text(h, w) + " exceeds the limit of a size");
    attr.shape = Shape::image(ks.d[1], h, w);
    out = g().add(Op::ConvT, {k, t}, attr, e.span);
    return true;
  }

  // maxpool, avgpool, upsample: (t, k)
  arity(2, 2);
  NodeId t = image_arg(0);
  attr.stride = size_argument(e, *e.args[1]);
  const Shape ts = g().shape(t);
  if (f == "upsample") {
    if (ts.d[1] * attr.stride > ir::kMaxSize || ts.d[2] * attr.stride > ir::kMaxSize)
      fail(e.args[1]->span,
           "upsample of " + describe(*e.args[0], t) + " by " + std::to_string(attr.stride) + " exceeds the limit of a size");
    attr.shape = Shape::image(ts.d[0], ts.d[1] * attr.stride, ts.d[2] * attr.stride);
    out = g().add(Op::Upsample, {t}, attr, e.span);
    return true;
  }
  if (attr.stride > ts.d[1] || attr.stride > ts.d[2])
    fail(e.args[1]->span, f + "'s " + side_text(attr.stride, attr.stride) + " window is larger than " + describe(*e.args[0], t));
  out = f == "maxpool" ? g().add(Op::MaxPoolAt, {t, t}, attr, e.span) : g().add(Op::AvgPool, {t}, attr, e.span);
  return true;
}

} // namespace aec::sema
