// The graph as text and back (see text.h).
#include "ir/text.h"
#include "ir/algorithms.h"
#include "support/number_text.h"

#include <cctype>
#include <charconv>
#include <iomanip>
#include <map>
#include <sstream>
#include <stdexcept>

namespace aec::ir {
namespace {

bool has_id(Op op) { return is_noise(op) || op == Op::Var; }
bool has_value(Op op) { return op == Op::Const || op == Op::PowC || op == Op::Bernoulli; }
bool has_name(Op op) { return op == Op::Input || op == Op::Param; }
// The target shape of broadcasts, reshapes, conv_t, conv_filter and upsample is the node's own shape.
bool has_target_shape(Op op) {
  return op == Op::BroadcastTo || op == Op::ColBroadcast || op == Op::RowBroadcast || op == Op::Reshape || op == Op::ChannelBroadcast ||
         op == Op::ConvT || op == Op::ConvFilter || op == Op::Upsample;
}
constexpr int64_t kMaxWindow = 1 << 16; // strides, paddings and windows: far beyond any image
bool has_stride_and_pad(Op op) { return op == Op::Conv || op == Op::ConvT || op == Op::ConvFilter; }
bool has_window(Op op) { return op == Op::MaxPoolAt || op == Op::MaxUnpool || op == Op::AvgPool || op == Op::Upsample; }

} // namespace

std::string attr_text(const Node &n) {
  std::string s;
  if (has_name(n.op)) s += " " + n.attr.name;
  if (has_value(n.op)) s += " " + shortest_text(n.attr.value);
  if (n.op == Op::MatMul && (n.attr.trans_a || n.attr.trans_b))
    s += std::string(" {") + (n.attr.trans_a ? "T" : "N") + (n.attr.trans_b ? "T" : "N") + "}";
  if (has_id(n.op) || (n.op == Op::BatchMean && n.attr.id)) s += " #" + std::to_string(n.attr.id); // a batch statistic
  if (has_stride_and_pad(n.op)) s += " stride " + std::to_string(n.attr.stride) + " pad " + std::to_string(n.attr.pad);
  if (has_window(n.op)) s += " k " + std::to_string(n.attr.stride);
  return s;
}

std::string to_text(const Graph &g) {
  std::ostringstream os;
  for (NodeId id : live_in_topological_order(g)) {
    const Node &n = g.node(id);
    std::ostringstream line;
    line << "%" << id << " = " << info(n.op).spelling << attr_text(n);
    for (size_t i = 0; i < n.in.size(); ++i) line << (i ? ", %" : " %") << n.in[i];
    line << " : " << g.shape_text(n.shape) << (n.batched ? " batched" : "");
    if (n.span.valid()) os << std::left << std::setw(56) << line.str() << "  @" << n.span.line << ":" << n.span.col << "\n";
    else os << line.str() << "\n";
  }
  for (const Output &o : g.outputs) os << o.name << " = %" << o.node << "\n";
  return os.str();
}

namespace {

// Reads one line at a time; every error is located at the cursor (or a given column).
class LineReader {
public:
  LineReader(const std::string &text, int line) : t_(text), line_(line) {}

  [[noreturn]] void fail(const std::string &message, int col = 0, int len = 1) {
    throw CompileError(Span{line_, col > 0 ? col : column(), len}, message);
  }
  // The column of the next token.
  int column() {
    skip_space();
    return static_cast<int>(pos_) + 1;
  }
  void skip_space() {
    while (pos_ < t_.size() && (t_[pos_] == ' ' || t_[pos_] == '\t' || t_[pos_] == '\r')) ++pos_;
  }
  bool done() {
    skip_space();
    return pos_ >= t_.size() || t_[pos_] == ';';
  }
  bool accept(char c) {
    skip_space();
    if (pos_ < t_.size() && t_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  void expect(char c, const char *what) {
    if (!accept(c)) fail(std::string("expected ") + what);
  }
  bool at_word() {
    skip_space();
    return pos_ < t_.size() && (std::isalpha(static_cast<unsigned char>(t_[pos_])) || t_[pos_] == '_');
  }
  // A name: letters, digits, '_' and '.' (outputs are "grad.W", "out.code").
  std::string word(const std::string &what) {
    if (!at_word()) fail("expected " + what);
    size_t start = pos_;
    while (pos_ < t_.size() && (std::isalnum(static_cast<unsigned char>(t_[pos_])) || t_[pos_] == '_' || t_[pos_] == '.')) ++pos_;
    return t_.substr(start, pos_ - start);
  }
  int64_t integer(const char *what) {
    skip_space();
    int64_t v = 0;
    auto r = std::from_chars(t_.data() + pos_, t_.data() + t_.size(), v);
    if (r.ec != std::errc() || v < 0) fail(std::string("expected ") + what);
    pos_ = static_cast<size_t>(r.ptr - t_.data());
    return v;
  }
  double number(const std::string &what) {
    skip_space();
    double v = 0;
    auto r = std::from_chars(t_.data() + pos_, t_.data() + t_.size(), v);
    if (r.ec != std::errc()) fail("expected " + what);
    pos_ = static_cast<size_t>(r.ptr - t_.data());
    return v;
  }

private:
  const std::string &t_;
  int line_;
  size_t pos_ = 0;
};

class TextParser {
public:
  explicit TextParser(const std::string &text) : text_(text) {}

  Graph run() {
    std::istringstream in(text_);
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
      LineReader r(line, number);
      if (r.done()) continue;
      if (r.accept('%')) node(r);
      else output(r);
    }
    return std::move(g_);
  }

private:
  const std::string &text_;
  Graph g_;
  std::map<int64_t, NodeId> ids_; // the text's %n -> the graph's node

  NodeId operand(LineReader &r) {
    int col = r.column();
    r.expect('%', "an operand %n");
    int64_t id = r.integer("a node number after '%'");
    auto it = ids_.find(id);
    if (it == ids_.end()) r.fail("%" + std::to_string(id) + " is not defined on an earlier line", col);
    return it->second;
  }

  Size size(LineReader &r) {
    if (!r.at_word()) {
      int col = r.column();
      int64_t v = r.integer("a size (a positive integer or a dim's name)");
      if (v < 1) r.fail("a size must be positive", col);
      return v;
    }
    std::string dim = r.word("a dim's name");
    for (size_t i = 0; i < g_.symbolic_dims.size(); ++i)
      if (g_.symbolic_dims[i] == dim) return -static_cast<Size>(i) - 1;
    g_.symbolic_dims.push_back(dim);
    return -static_cast<Size>(g_.symbolic_dims.size());
  }

  Shape shape(LineReader &r) {
    r.expect('[', "a shape: [], [n], [m, n], [c, h, w] or [o, c, kh, kw]");
    Shape s;
    if (r.accept(']')) return s;
    do {
      if (s.rank == Shape::kMaxRank) r.fail("a shape has at most four sizes");
      s.d[s.rank++] = size(r);
    } while (r.accept(','));
    r.expect(']', "',' or ']'");
    return s;
  }

  void node(LineReader &r) {
    int id_col = r.column() - 1;
    int64_t id = r.integer("a node number after '%'");
    if (ids_.count(id)) r.fail("%" + std::to_string(id) + " is defined twice", id_col, static_cast<int>(std::to_string(id).size()) + 1);
    r.expect('=', "'='");
    int op_col = r.column();
    std::string spelling = r.word("an op");
    const Op *found = nullptr;
    static const std::vector<Op> all = [] {
      std::vector<Op> v;
#define OP(name, spelling_, arity, kind) v.push_back(Op::name);
#include "ir/ops.def"
#undef OP
      return v;
    }();
    for (const Op &op : all)
      if (spelling == info(op).spelling) found = &op;
    if (!found) r.fail("unknown op '" + spelling + "'", op_col, static_cast<int>(spelling.size()));
    const Op op = *found;

    Attr attr;
    if (has_name(op)) attr.name = r.word("the name of the " + std::string(spelling));
    if (has_value(op)) attr.value = r.number("the constant of the " + std::string(spelling));
    if (op == Op::MatMul && r.accept('{')) {
      std::string flags = r.word("transpose flags {NN}, {NT}, {TN} or {TT}");
      if (flags.size() != 2 || (flags[0] != 'N' && flags[0] != 'T') || (flags[1] != 'N' && flags[1] != 'T'))
        r.fail("expected transpose flags {NN}, {NT}, {TN} or {TT}");
      attr.trans_a = flags[0] == 'T';
      attr.trans_b = flags[1] == 'T';
      r.expect('}', "'}'");
    }
    if (has_id(op)) {
      r.expect('#', "the draw's #id");
      attr.id = r.integer("the draw's #id");
    } else if (op == Op::BatchMean && r.accept('#')) {
      attr.id = r.integer("the batch statistic's #number");
    }
    auto keyword_integer = [&](const std::string &key, int64_t least) {
      int col = r.column();
      if (r.word("'" + key + "'") != key) r.fail("expected '" + key + "'", col);
      col = r.column();
      int64_t v = r.integer(("the " + key).c_str());
      if (v < least || v > kMaxWindow)
        r.fail("the " + key + " must lie in [" + std::to_string(least) + ", " + std::to_string(kMaxWindow) + "]", col);
      return v;
    };
    if (has_stride_and_pad(op)) {
      attr.stride = keyword_integer("stride", 1);
      attr.pad = keyword_integer("pad", 0);
    }
    if (has_window(op)) attr.stride = keyword_integer("k", 1);
    std::vector<NodeId> in;
    if (!r.accept(':')) {
      do in.push_back(operand(r));
      while (r.accept(','));
      r.expect(':', "':' and the node's shape");
    }
    if (static_cast<int>(in.size()) != info(op).arity)
      r.fail(spelling + " takes " + std::to_string(info(op).arity) + " operand" + (info(op).arity == 1 ? "" : "s") + ", got " +
                 std::to_string(in.size()),
             op_col, static_cast<int>(spelling.size()));
    int shape_col = r.column();
    Shape s = shape(r);
    bool batched = false;
    if (r.at_word()) {
      int col = r.column();
      if (r.word("'batched'") != "batched") r.fail("expected 'batched', '@line:col' or the end of the line", col);
      batched = true;
    }
    Span span;
    if (r.accept('@')) {
      span.line = static_cast<int>(r.integer("a source line"));
      r.expect(':', "':' between the source line and column");
      span.col = static_cast<int>(r.integer("a source column"));
    }
    if (!r.done()) r.fail("unexpected text after the node");

    NodeId n;
    if (info(op).kind == OpKind::Leaf) {
      n = g_.leaf(op, s, batched, attr, span);
    } else {
      if (has_target_shape(op)) attr.shape = s;
      try {
        Shape inferred = infer_shape(g_, op, in, attr);
        if (!(inferred == s))
          r.fail("the shape rule of " + spelling + " gives " + g_.shape_text(inferred) + ", the text says " + g_.shape_text(s), shape_col);
        if (infer_batched(g_, op, in) != batched)
          r.fail(std::string("the operands make this node ") + (batched ? "shared by the batch" : "batched") + ", the text says " +
                     (batched ? "batched" : "not"),
                 shape_col);
      } catch (const std::logic_error &e) { // the shape rule refused the operands
        r.fail(std::string(e.what()).substr(std::string("internal shape error: ").size()), op_col, static_cast<int>(spelling.size()));
      }
      n = g_.add(op, in, attr, span);
    }
    ids_[id] = n;
  }

  void output(LineReader &r) {
    std::string name = r.word("a node line (%n = ...) or an output (name = %n)");
    r.expect('=', "'=' after the output's name");
    NodeId n = operand(r);
    if (!r.done()) r.fail("unexpected text after the output");
    for (const Output &o : g_.outputs)
      if (o.name == name) r.fail("output " + name + " is defined twice");
    g_.outputs.push_back({name, n});
  }
};

} // namespace

Graph parse_text(const SourcePtr &source) {
  try {
    return TextParser(source->text).run();
  } catch (CompileError &e) {
    e.attach_source(source);
    throw;
  }
}

} // namespace aec::ir
