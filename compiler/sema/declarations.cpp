// Statement-level semantics: one definition per name, dims bound from defaults, --set or the
// data, params and their initializers, function subscripts, `train` and `check` statements.
#include "sema/elaborator.h"
#include "support/train_options.h"

#include <cmath>
#include <sstream>

namespace aec::sema {

void fail(Span s, const std::string &message) { throw CompileError(s, message); }

static const char *kind_word(ast::StmtKind k) {
  switch (k) {
  case ast::StmtKind::Dim: return "dim";
  case ast::StmtKind::Input: return "input";
  case ast::StmtKind::Param: return "param";
  case ast::StmtKind::Hyper: return "hyper";
  case ast::StmtKind::Func: return "function";
  case ast::StmtKind::Assign: return "value";
  default: return "name";
  }
}

void Elaborator::collect_declarations() {
  std::unordered_map<std::string, const ast::Stmt *> outputs;
  for (const ast::Stmt &s : prog_.stmts) {
    switch (s.kind) {
    case ast::StmtKind::Minimize:
      if (minimize_)
        fail(s.span, "a second 'minimize': a program has exactly one objective (the first is on line " +
                         std::to_string(minimize_->span.line) + ")");
      minimize_ = &s;
      continue;
    case ast::StmtKind::Check:
    case ast::StmtKind::Train: continue;
    case ast::StmtKind::Output: {
      auto [it, fresh] = outputs.emplace(s.name, &s);
      if (!fresh) fail(s.name_span, "output '" + s.name + "' is already defined on line " + std::to_string(it->second->span.line));
      model_.outputs.push_back(s.name);
      continue;
    }
    default: break;
    }
    if (s.name == "d") fail(s.name_span, "'d' is reserved for derivatives (df/dx, d(e)/d(v)); choose another name");
    if (s.kind == ast::StmtKind::Input) inputs_.push_back(&s);
    auto [it, fresh] = globals_.emplace(s.name, &s);
    if (!fresh)
      fail(s.name_span,
           "'" + s.name + "' is already defined as a " + kind_word(it->second->kind) + " on line " + std::to_string(it->second->span.line));
  }
  if (inputs_.empty()) fail({}, "the program has no 'input' statement (write e.g. input x : [D])");
  if (!minimize_) fail({}, "the program has no 'minimize' statement: state the per-sample objective");
}

static long parse_positive_int(const std::string &text, const std::string &what) {
  size_t used = 0;
  long v = 0;
  try {
    v = std::stol(text, &used);
  } catch (...) {
    used = 0;
  }
  if (used != text.size() || v <= 0) throw InputError(what + ": expected a positive integer, got '" + text + "'");
  return v;
}

void Elaborator::resolve_dims() {
  // --set names a dim with a default or a hyper.
  for (auto &[key, value] : opts_.overrides) {
    auto it = globals_.find(key);
    std::string flag = "--set " + key + "=" + value;
    if (it == globals_.end()) throw InputError(flag + ": the program has no dim or hyper named '" + key + "'");
    const ast::Stmt &s = *it->second;
    if (s.kind == ast::StmtKind::Dim && !s.dim_value)
      throw InputError(flag + ": dim " + key + " is taken from the data's sample width and cannot be set");
    if (s.kind != ast::StmtKind::Dim && s.kind != ast::StmtKind::Hyper)
      throw InputError(flag + ": '" + key + "' is a " + kind_word(s.kind) + ", not a dim or hyper");
  }

  // The width of the data bound to each input, and the dims that data sets: a dim takes its
  // value from the first input whose size it names.
  auto bound_width = [&](const ast::Stmt &in) -> std::optional<ir::Size> {
    if (auto w = opts_.input_widths.find(in.name); w != opts_.input_widths.end()) return w->second;
    if (&in == inputs_.front()) return opts_.data_width; // --data SOURCE: the first input's data
    return std::nullopt;
  };
  std::map<std::string, std::optional<ir::Size>> data_dims; // dim -> the width of the first input naming it
  for (const ast::Stmt *in : inputs_) {
    if (in->shape.size() != 1) fail(in->name_span, "input " + in->name + " must be a vector [n]: one sample is one row of the data");
    const ast::Size &size = in->shape[0];
    if (!size.value && !data_dims.count(size.name)) data_dims[size.name] = bound_width(*in);
  }

  for (const ast::Stmt &s : prog_.stmts) {
    if (s.kind == ast::StmtKind::Hyper) {
      double v = s.hyper_value;
      if (auto o = opts_.overrides.find(s.name); o != opts_.overrides.end()) {
        size_t used = 0;
        try {
          v = std::stod(o->second, &used);
        } catch (...) {
          used = 0;
        }
        if (used != o->second.size() || !std::isfinite(v)) throw InputError("--set " + s.name + "=" + o->second + ": expected a number");
      }
      model_.hypers[s.name] = v;
    }
    if (s.kind != ast::StmtKind::Dim) continue;
    if (s.dim_value) {
      ir::Size v = *s.dim_value;
      if (auto o = opts_.overrides.find(s.name); o != opts_.overrides.end())
        v = parse_positive_int(o->second, "--set " + s.name + "=" + o->second);
      if (v <= 0) fail(s.name_span, "dim " + s.name + " must be a positive integer");
      if (v > ir::kMaxSize)
        fail(s.name_span,
             "dim " + s.name + " = " + std::to_string(v) + " exceeds the limit of " + std::to_string(ir::kMaxSize) + " for a size");
      model_.dims[s.name] = v;
    } else if (auto data = data_dims.find(s.name); data != data_dims.end()) {
      if (data->second) {
        model_.dims[s.name] = *data->second;
      } else {
        g().symbolic_dims.push_back(s.name);
        model_.dims[s.name] = -static_cast<ir::Size>(g().symbolic_dims.size());
      }
    } else {
      fail(s.name_span, "dim " + s.name + " has no value: give it one (dim " + s.name + " = 32) or use it as the input's width");
    }
  }

  for (const ast::Stmt *in : inputs_) {
    const ast::Size &size = in->shape[0];
    InputInfo info{in->name, size_of(size), size.value ? "" : size.name, in->name_span};
    if (std::optional<ir::Size> w = bound_width(*in); w && *w != info.width) {
      // One value per sample for an input declared wider: class ids, read as one-hot vectors
      // (runtime/input_binding.h).
      bool class_ids = *w == 1 && info.width > 1;
      if (!class_ids)
        fail(size.span, "the data's samples have " + std::to_string(*w) + " values, but input " + in->name + " is declared [" +
                            std::to_string(info.width) + "]");
    }
    model_.inputs.push_back(info);
  }
}

ir::Size Elaborator::size_of(const ast::Size &s) {
  if (s.value) {
    if (*s.value <= 0) fail(s.span, "a size must be a positive integer");
    if (*s.value > ir::kMaxSize)
      fail(s.span, "the size " + std::to_string(*s.value) + " exceeds the limit of " + std::to_string(ir::kMaxSize));
    return *s.value;
  }
  auto it = model_.dims.find(s.name);
  if (it != model_.dims.end()) return it->second;
  auto g = globals_.find(s.name);
  if (g != globals_.end())
    fail(s.span, "'" + s.name + "' is a " + kind_word(g->second->kind) + ", not a dim: a size must be an integer or a dim");
  fail(s.span, "unknown dim '" + s.name + "'");
}

namespace {
struct InitRule {
  const char *name;
  int args;
};
const InitRule kInitializers[] = {{"zeros", 0},   {"ones", 0},   {"const", 1},      {"normal", 1},
                                  {"uniform", 2}, {"glorot", 0}, {"orthogonal", 0}, {"identity", 0}};
} // namespace

void Elaborator::declare_params() {
  for (const ast::Stmt &s : prog_.stmts) {
    if (s.kind != ast::StmtKind::Param) continue;
    ParamInfo p;
    p.name = s.name;
    p.span = s.name_span;
    p.per_sample = s.per_sample;
    if (s.shape.size() > 4)
      fail(s.shape[4].span,
           "a param is a scalar, a vector, a matrix, an image [c, h, w] or a filter bank [o, c, kh, kw]: at most four sizes");
    for (const ast::Size &size : s.shape) p.shape.d[p.shape.rank++] = size_of(size);
    const InitRule *rule = nullptr;
    for (const InitRule &r : kInitializers)
      if (s.init.name == r.name) rule = &r;
    if (!rule)
      fail(s.init.span, "unknown initializer '" + s.init.name +
                            "' (expected zeros, ones, const(v), normal(std), uniform(lo, hi), glorot, orthogonal or identity)");
    if (static_cast<int>(s.init.args.size()) != rule->args)
      fail(s.init.span, "initializer " + s.init.name + " takes " + std::to_string(rule->args) + " argument" + (rule->args == 1 ? "" : "s") +
                            ", got " + std::to_string(s.init.args.size()));
    p.init = rule->name;
    for (auto &a : s.init.args) p.init_args.push_back(constant(a));
    if (p.init == "normal" && p.init_args[0] < 0) fail(s.init.args[0]->span, "normal(std) needs std >= 0");
    if (p.init == "uniform" && !(p.init_args[0] < p.init_args[1])) fail(s.init.span, "uniform(lo, hi) needs lo < hi");
    if ((p.init == "orthogonal" || p.init == "identity") && p.shape.rank != 2)
      fail(s.init.span, "initializer " + p.init + " needs a matrix param, but " + p.name + " is " + g().shape_text(p.shape));
    if (p.shape.concrete() && p.shape.numel() > ir::kMaxValueElements)
      fail(s.name_span, "param " + p.name + " " + g().shape_text(p.shape) + " has " + std::to_string(p.shape.numel()) +
                            " elements, more than the limit of " + std::to_string(ir::kMaxValueElements));
    ir::Attr a;
    a.name = p.name;
    param_nodes_[p.name] = g().leaf(ir::Op::Param, p.shape, p.per_sample, a, s.name_span);
    model_.params.push_back(p);
  }
}

// Every name an expression mentions, call targets included.
static void free_names(const ast::Expr &root, std::set<std::string> &out) {
  std::vector<const ast::Expr *> todo = {&root}; // a chain of operators may be 100000 deep
  while (!todo.empty()) {
    const ast::Expr &e = *todo.back();
    todo.pop_back();
    if (e.kind == ast::ExprKind::Name || e.kind == ast::ExprKind::Call) out.insert(e.name);
    for (auto &a : e.args) todo.push_back(a.get());
  }
}

void Elaborator::resolve_function_subscripts() {
  for (const ast::Stmt &s : prog_.stmts) {
    if (s.kind != ast::StmtKind::Func) continue;
    FunctionDef f{&s, s.name, s.subscripts};
    if (s.braced_subscript) {
      for (auto &sub : s.subscripts)
        if (!param_nodes_.count(sub)) fail(s.name_span, "'" + sub + "' in the subscript of " + s.name + "_{...} is not a param");
    } else if (auto us = s.name.rfind('_'); us != std::string::npos && us > 0 && us + 1 < s.name.size()) {
      std::string sub = s.name.substr(us + 1);
      if (param_nodes_.count(sub)) {
        f.base = s.name.substr(0, us);
        f.subscripts = {sub};
      }
    }
    std::set<std::string> used;
    free_names(*s.body, used);
    for (auto &sub : f.subscripts)
      if (!used.count(sub))
        fail(s.name_span, "function " + s.name + " lists param " + sub + " in its subscript, but its body never uses it");
    std::set<std::string> formals;
    for (auto &[name, span] : s.formals) {
      if (name == "d") fail(span, "'d' is reserved for derivatives; choose another argument name");
      if (!formals.insert(name).second) fail(span, "argument '" + name + "' appears twice");
    }
    if (f.base != s.name) {
      auto [it, fresh] = functions_.emplace(f.base, f);
      if (!fresh) fail(s.name_span, "function '" + f.base + "' is already defined on line " + std::to_string(it->second.stmt->span.line));
      if (globals_.count(f.base) && globals_.at(f.base)->kind != ast::StmtKind::Func)
        fail(s.name_span, "'" + f.base + "' is already defined as a " + kind_word(globals_.at(f.base)->kind) + " on line " +
                              std::to_string(globals_.at(f.base)->span.line));
    }
    functions_.emplace(s.name, f);
  }
}

void Elaborator::validate_train_options() {
  namespace opts = train_options;
  for (const ast::Stmt &s : prog_.stmts) {
    if (s.kind != ast::StmtKind::Train) continue;
    for (const ast::TrainOption &o : s.options) {
      const opts::Spec *spec = opts::find(o.key);
      if (!spec || !(spec->where & opts::Line))
        fail(o.span, "unknown train option '" + o.key + "' (expected " + opts::listed(opts::names(opts::Line)) + ")");
      opts::Values check;
      if (std::string why = opts::set(check, o.key, o.value); !why.empty()) fail(o.span, "train " + o.key + "=" + o.value + ": " + why);
      if (model_.train.count(o.key)) fail(o.span, "train option '" + o.key + "' is given twice");
      if (o.key == "freeze")
        for (const std::string &name : opts::split_names(o.value))
          if (!param_nodes_.count(name)) fail(o.span, "train freeze=" + o.value + ": '" + name + "' is not a param of the program");
      model_.train[o.key] = {o.value, o.span};
    }
  }
}

void Elaborator::validate_checks() {
  for (const ast::Stmt &s : prog_.stmts) {
    if (s.kind != ast::StmtKind::Check) continue;
    if (s.name != "pca") fail(s.name_span, "unknown check '" + s.name + "' (expected pca)");
    if (s.check_args.size() != 1) fail(s.name_span, "check pca takes one param, e.g. check pca(B)");
    const ast::Expr &arg = *s.check_args[0];
    auto it = param_nodes_.find(arg.name);
    if (arg.kind != ast::ExprKind::Name || it == param_nodes_.end())
      fail(arg.span, "check pca needs a param, but '" + arg.text + "' is not one");
    const ir::Shape sh = g().shape(it->second);
    const InputInfo &first = model_.first_input();
    if (sh.rank != 2 || sh.rows() != first.width)
      fail(arg.span, "check pca needs a param matrix [" + g().size_text(first.width) + ", k] whose columns live in " +
                         (model_.inputs.size() == 1 ? "the input's space" : "the space of input " + first.name + " (the first)") +
                         ", but " + arg.name + " is " + g().shape_text(sh));
    if (g().batched(it->second)) fail(arg.span, "check pca needs a param shared by all samples, but " + arg.name + " is 'per sample'");
    if (sh.rows() > 0 && sh.cols() > 0 && sh.cols() > sh.rows())
      fail(arg.span, "check pca compares span(" + arg.name + ") with the top-k principal subspace, so " + arg.name + " : " +
                         g().shape_text(sh) + " needs no more columns than the input has features");
    model_.checks.push_back({"pca", arg.name, arg.span});
  }
}

} // namespace aec::sema
