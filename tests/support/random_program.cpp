#include "support/random_program.h"
#include "support/op_table.h"

#include <random>
#include <regex>
#include <sstream>
#include <vector>

namespace aec::test {

namespace {

// A value's type per sample; sizes are the dims 'D' (the input's width) and 'k'.
enum class Kind { Scalar, Vector, Matrix };
struct Type {
  Kind kind;
  char rows = 0, cols = 0;
};
Type scalar() { return {Kind::Scalar}; }
Type vector(char n) { return {Kind::Vector, n}; }
Type matrix(char r, char c) { return {Kind::Matrix, r, c}; }
bool same(Type a, Type b) { return a.kind == b.kind && a.rows == b.rows && a.cols == b.cols; }

struct Name {
  std::string name;
  Type type;
};

// Where an expression is generated.
struct Scope {
  bool top = false;         // outside functions: the input, named values, noise and derivatives are visible
  bool smooth = false;      // differentiated by a Jacobian: no matrix may depend on the point, no noise
  std::vector<Name> locals; // a function's argument, unroll variables
};

class Generator {
public:
  explicit Generator(uint64_t seed) : rng_(seed) {}

  RandomProgram run() {
    const int64_t width = 2 + pick(4);
    const int k = 2 + pick(3);
    out_ << "# random program\ndim D\ndim k = " << k << "\ninput x : [D]\n";
    if (chance(0.3)) { // a second input, bound to its own source
      out_ << "input u : [k]\n";
      second_input_ = true;
    }
    declare_params();
    out_ << "hyper lam = " << number(0.05, 0.5) << "\n";
    define_function("f", "a", vector('D'), 'k', "W * a");
    define_function("g", "h", vector('k'), 'D', "V * h");
    functions_ = true;

    Scope top{true, false, {}};
    for (int i = 0, n = pick(3); i < n; ++i) {
      Type t = chance(0.5) ? vector('k') : chance(0.5) ? vector('D') : scalar();
      std::string name = "v" + std::to_string(i + 1);
      out_ << name << " = " << expr(t, 2, top) << "\n";
      named_.push_back({name, t});
    }
    out_ << "minimize " << objective(top) << "\n";
    if (chance(0.5)) out_ << "output code = f(x)\n";
    if (chance(0.3)) out_ << "output recon = " << expr(vector('D'), 1, top) << "\n";
    return {out_.str(), width};
  }

private:
  std::mt19937_64 rng_;
  std::ostringstream out_;
  std::vector<Name> params_, named_;
  std::vector<std::string> per_sample_;
  bool functions_ = false;
  int unrolls_ = 0;
  bool second_input_ = false;

  int pick(int n) { return int(std::uniform_int_distribution<int>(0, n - 1)(rng_)); }
  bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  std::string number(double lo, double hi) {
    std::ostringstream s;
    s.precision(2);
    s << std::uniform_real_distribution<double>(lo, hi)(rng_);
    return s.str();
  }
  static std::string size(char n) { return std::string(1, n); }

  void declare_params() {
    const char *vector_inits[] = {"normal(0.5)", "uniform(-0.5, 0.5)", "zeros", "const(0.1)", "glorot"};
    const char *matrix_inits[] = {"glorot", "normal(0.3)", "orthogonal", "uniform(-0.5, 0.5)"};
    auto param = [&](const std::string &name, Type t, bool per_sample = false) {
      out_ << "param " << name << " : [" << size(t.rows) << (t.kind == Kind::Matrix ? ", " + size(t.cols) : "") << "]"
           << (per_sample ? " per sample" : "") << " = "
           << (t.kind == Kind::Matrix ? matrix_inits[pick(4)] : vector_inits[pick(per_sample ? 4 : 5)]) << "\n";
      params_.push_back({name, t});
      if (per_sample) per_sample_.push_back(name);
    };
    param("W", matrix('k', 'D'));
    param("V", matrix('D', 'k'));
    param("b", vector('k'));
    param("c", vector('D'));
    if (chance(0.4)) param("A", matrix('D', 'D'));
    if (chance(0.4)) param("S", matrix('k', 'k'));
    if (chance(0.3)) param("z", vector('k'), true);
    // Filter banks for images made of a vector (reshape(v, 1, 1, n)): 1 -> 2 channels, 2 -> 1.
    out_ << "param K : [2, 1, 1, 3] = glorot\nparam KT : [2, 1, 1, 2] = glorot\nparam kb : [2] = normal(0.3)\n";
  }

  // `name(arg) = body`, smooth (so that it can be differentiated as a Jacobian), with the
  // argument always used; named name_W when its body uses W.
  void define_function(const std::string &name, const std::string &arg, Type from, char to, const std::string &fallback) {
    Scope s{false, true, {{arg, from}}};
    std::string body = vector_expr(to, 2 + pick(2), s);
    if (!std::regex_search(body, std::regex("\\b" + arg + "\\b"))) body = "(" + body + ") + 0.5 * (" + fallback + ")";
    bool subscript = chance(0.3) && std::regex_search(body, std::regex("\\bW\\b"));
    out_ << name << (subscript ? "_W" : "") << "(" << arg << ") = " << body << "\n";
  }

  std::string objective(const Scope &top) {
    std::string o;
    switch (pick(3)) {
    case 0: o = "||x - " + expr(vector('D'), 3, top) + "||^2"; break;
    case 1: o = "||x - g(f(x))||^2"; break;
    default: o = scalar_expr(3, top); break;
    }
    for (int i = 0, n = pick(3); i < n; ++i) o += " + lam * " + scalar_expr(2, top);
    if (chance(0.3)) o += " + lam * ||df/dx||_F^2";
    return o;
  }

  std::string expr(Type t, int depth, const Scope &s) {
    switch (t.kind) {
    case Kind::Scalar: return scalar_expr(depth, s);
    case Kind::Vector: return vector_expr(t.rows, depth, s);
    case Kind::Matrix: return matrix_expr(t.rows, t.cols, depth, s);
    }
    return "0";
  }

  // Names of type t visible in s.
  std::vector<std::string> names_of(Type t, const Scope &s) {
    std::vector<std::string> out;
    for (const Name &n : s.locals)
      if (same(n.type, t)) out.push_back(n.name);
    for (const Name &p : params_)
      if (same(p.type, t)) out.push_back(p.name);
    if (s.top) {
      if (same(t, vector('D'))) out.push_back("x"), out.push_back("x");
      if (same(t, vector('k')) && second_input_ && !s.smooth) out.push_back("u");
      if (!s.smooth)
        for (const Name &n : named_)
          if (same(n.type, t)) out.push_back(n.name);
    }
    return out;
  }

  std::string leaf(Type t, const Scope &s) {
    // Locals (a function's argument, the unroll variable) are what the expression is about.
    for (auto it = s.locals.rbegin(); it != s.locals.rend(); ++it)
      if (same(it->type, t) && chance(0.6)) return it->name;
    std::vector<std::string> names = names_of(t, s);
    if (t.kind == Kind::Scalar) return chance(0.5) ? "lam" : number(0.2, 1.5);
    if (t.kind == Kind::Matrix && t.rows == t.cols && (names.empty() || chance(0.2))) return "eye(" + size(t.rows) + ")";
    if (t.kind == Kind::Vector && (names.empty() || chance(0.1))) return (chance(0.5) ? "ones(" : "zeros(") + size(t.rows) + ")";
    if (names.empty()) return "(" + leaf(matrix(t.cols, t.rows), s) + ")'"; // W' for [D, k]
    return names[size_t(pick(int(names.size())))];
  }

  std::string scalar_expr(int depth, const Scope &s) {
    if (depth <= 0) return leaf(scalar(), s);
    const char n = chance(0.5) ? 'D' : 'k';
    auto v = [&] { return vector_expr(n, depth - 1, s); };
    switch (pick(13)) {
    case 0: return "sum(" + v() + ")";
    case 1: return "mean(" + v() + ")";
    case 2: return "dot(" + v() + ", " + v() + ")";
    case 3: return "||" + v() + "||^2";
    case 4: return "||" + v() + "||_1";
    case 5: return "||" + matrix_expr(n, chance(0.5) ? 'D' : 'k', depth - 1, s) + "||_F^2";
    case 6: return "(" + scalar_expr(depth - 1, s) + " + " + scalar_expr(depth - 1, s) + ")";
    case 7: return "(" + scalar_expr(depth - 1, s) + " * " + scalar_expr(depth - 1, s) + ")";
    case 8: return "sqrt(1 + ||" + v() + "||^2)";
    case 9:
      if (s.top) return "bce(x, sigmoid(" + vector_expr('D', depth - 1, s) + "))";
      return "sum(" + v() + ")";
    case 10: return "kl_normal(" + vector_expr('k', depth - 1, s) + ", tanh(" + vector_expr('k', depth - 1, s) + "))";
    case 11:
      if (s.smooth) return scalar_expr(depth - 1, s); // Jacobians stay away from images
      return image_scalar(n, depth - 1, s);
    default: return "sum(" + matrix_expr(n, 'k', depth - 1, s) + ")";
    }
  }

  std::string vector_expr(char n, int depth, const Scope &s) {
    if (depth <= 0) return leaf(vector(n), s);
    auto v = [&](int d) { return vector_expr(n, d, s); };
    const char m = chance(0.5) ? 'D' : 'k';
    switch (pick(s.smooth ? 14 : 20)) {
    case 0: return "(" + v(depth - 1) + " + " + v(depth - 1) + ")";
    case 1: return "(" + v(depth - 1) + " - " + v(depth - 1) + ")";
    case 2: return "-(" + v(depth - 1) + ")";
    case 3: return "(" + v(depth - 1) + " .* " + v(depth - 1) + ")";
    case 4: return "(" + scalar_expr(depth - 1, s) + " * " + v(depth - 1) + ")";
    case 5: {
      std::string d = v(depth - 1);
      return "(" + v(depth - 1) + " ./ (1 + " + d + " .* " + d + "))";
    }
    case 6: { // every function of the op table
      static const std::vector<CallableFunction> functions = callable_elementwise_functions();
      const CallableFunction &f = functions[static_cast<size_t>(pick(static_cast<int>(functions.size())))];
      std::string call = f.name + "(" + in_domain(f.domain, v(depth - 1));
      for (int i = 1; i < f.arity; ++i) call += ", " + in_domain(f.domain, v(depth - 1));
      return call + ")";
    }
    case 7: {
      std::string a = v(depth - 1);
      const std::string forms[] = {"exp(tanh(" + a + "))",
                                   "log(1 + " + a + " .* " + a + ")",
                                   "sqrt(1 + " + a + " .* " + a + ")",
                                   "log(sigmoid(" + a + "))",
                                   "(" + a + ")^2",
                                   "tanh(" + a + ")^3"};
      return forms[pick(6)];
    }
    case 8: return "(" + matrix_expr(n, m, depth - 1, s) + " * " + vector_expr(m, depth - 1, s) + ")";
    case 9: return "((" + matrix_expr(m, n, depth - 1, s) + ")' * " + vector_expr(m, depth - 1, s) + ")";
    case 10: {
      if (unrolls_ >= 2) return v(depth - 1);
      ++unrolls_;
      std::string y = "y" + std::to_string(unrolls_);
      Scope inner = s;
      inner.locals.push_back({y, vector(n)});
      std::string init = v(depth - 1);
      std::string step = vector_expr(n, depth - 1, inner);
      --unrolls_;
      return "(unroll " + std::to_string(1 + pick(4)) + " from " + y + " = " + init + ": " + y + " + 0.2 * tanh(" + step + "))";
    }
    case 11:
      if (!functions_) return v(depth - 1);
      return n == 'k' ? "f(" + vector_expr('D', depth - 1, s) + ")" : "g(" + vector_expr('k', depth - 1, s) + ")";
    case 12: return "(" + v(depth - 1) + " / (1 + (" + scalar_expr(depth - 1, s) + ")^2))";
    case 13: return "(" + v(depth - 1) + " .* " + leaf(vector(n), s) + ")";
    // Not in smooth scopes: matrices that depend on the value, noise, derivatives.
    case 14: return "(diag(" + v(depth - 1) + ") * " + v(depth - 1) + ")";
    case 15: {
      std::string spd =
          "eye(" + size(n) + ") + 0.1 * (" + matrix_expr(n, m, depth - 1, s) + " * (" + matrix_expr(n, m, depth - 1, s) + ")')";
      return chance(0.5) ? "solve(" + spd + ", " + v(depth - 1) + ")" : "(inv(" + spd + ") * " + v(depth - 1) + ")";
    }
    case 16:
      if (!s.top) return v(depth - 1);
      switch (pick(3)) {
      case 0: return "(" + v(depth - 1) + " + 0.1 * randn(" + size(n) + "))";
      case 1: return "(" + v(depth - 1) + " .* bernoulli(0.8, " + size(n) + "))";
      default: return "(" + v(depth - 1) + " + rand(" + size(n) + "))";
      }
    case 17: // the batch's mean of a value, shared by its samples
      if (!s.top) return v(depth - 1);
      return "batch_mean(" + v(depth - 1) + ")";
    case 18: { // through an image and back: pooling after upsampling is the identity
      std::string img = "reshape(" + v(depth - 1) + ", 1, 1, " + size(n) + ")";
      return chance(0.5) ? "flatten(avgpool(upsample(" + img + ", 2), 2))" : "flatten(maxpool(upsample(" + img + ", 2), 2))";
    }
    default:
      if (!s.top || n != 'D') return v(depth - 1);
      return "grad(" + scalar_expr(depth - 1, Scope{true, true, {}}) + ", x)";
    }
  }

  // A scalar of an image made of a vector of size n: convolutions (stride, padding), a bias per
  // channel, pooling, conv_t.
  std::string image_scalar(char n, int depth, const Scope &s) {
    std::string img = "reshape(" + vector_expr(n, depth, s) + ", 1, 1, " + size(n) + ")";
    std::string h = "tanh(conv(K, " + img + ", pad=" + std::to_string(1 + pick(2)) + ") + kb)"; // [2, 1, n + 2p - 2]
    // Means, not sums: a sum over the image's many entries makes a scalar large enough that the
    // gradient through it is too small for finite differences to check.
    switch (pick(4)) {
    case 0: return "mean(" + h + ")";
    case 1: return "mean(maxpool(" + h + ", 1) .* " + h + ")";
    case 2: return "mean(conv_t(KT, " + h + ", stride=" + std::to_string(1 + pick(2)) + "))";
    default: return "mean(avgpool(conv(K, " + img + ", stride=2, pad=1), 1) .* avgpool(conv(K, " + img + ", stride=2, pad=1), 1))";
    }
  }

  std::string matrix_expr(char r, char c, int depth, const Scope &s) {
    // A Jacobian's point may only reach vectors and scalars: its matrices are made of params.
    if (s.smooth && (s.top || !s.locals.empty())) return matrix_expr(r, c, depth, Scope{false, true, {}});
    if (depth <= 0) return leaf(matrix(r, c), s);
    const char m = chance(0.5) ? 'D' : 'k';
    auto mat = [&](char rr, char cc) { return matrix_expr(rr, cc, depth - 1, s); };
    switch (pick(s.smooth ? 5 : 10)) {
    case 0: return "(" + mat(r, c) + " + " + mat(r, c) + ")";
    case 1: return "(" + scalar_expr(depth - 1, s) + " * " + mat(r, c) + ")";
    case 2: return "(" + mat(r, m) + " * " + mat(m, c) + ")";
    case 3: return "(" + mat(c, r) + ")'";
    case 4: return leaf(matrix(r, c), s);
    // Not in smooth scopes: matrices that may depend on the point.
    case 5: return "(" + mat(r, c) + " .* " + mat(r, c) + ")";
    case 6: return "tanh(" + mat(r, c) + ")";
    case 7:
      if (r != c) return mat(r, c);
      return chance(0.5) ? "diag(" + vector_expr(r, depth - 1, s) + ")"
                         : "inv(eye(" + size(r) + ") + 0.1 * (" + mat(r, m) + " * (" + mat(r, m) + ")'))";
    case 8:
      if (!s.top || r != 'k' || c != 'D') return mat(r, c);
      return "(df/dx)";
    default:
      if (!s.top || c != 'D') return mat(r, c);
      return "(d(" + vector_expr(r, depth - 1, Scope{true, true, {}}) + ")/d(x))";
    }
  }
};

} // namespace

RandomProgram random_program(uint64_t seed) { return Generator(seed).run(); }

} // namespace aec::test
