// Reads ANTLR's parse tree into the AST. The only file that knows the generated classes.
#include "AeLexer.h"
#include "AeParser.h"
#include "nesting.h"
#include "parse.h"
#include "syntax_errors.h"
#include "token_span.h"

#include <antlr4-runtime.h>
#include <optional>

namespace aec {
namespace {

using namespace ast;

Span span_of(const antlr4::Token *t) { return token_span(t); }
Span span_of(antlr4::ParserRuleContext *c) { return span_of(c->getStart()); }

// From the start of `first` to the end of `last` when both are on one line; else `first` alone.
Span join(Span first, Span last) {
  if (last.line != first.line || last.col < first.col) return first;
  first.len = last.col + last.len - first.col;
  return first;
}

class Builder {
public:
  Builder(const std::string &text) : text_(text) {}

  Program build(AeParser::ProgramContext *p) {
    Program prog;
    for (auto *s : p->statement()) prog.stmts.push_back(stmt(s));
    return prog;
  }

private:
  const std::string &text_;

  // The text of an expression for messages, its white space folded; a long one is cut at
  // kMaxText bytes (a chain of 100000 terms keeps 100000 texts, which must not be quadratic).
  static constexpr size_t kMaxText = 120;
  std::string source_text(antlr4::ParserRuleContext *c) const {
    size_t a = c->getStart()->getStartIndex(), b = c->getStop()->getStopIndex();
    if (c->getStop()->getType() == antlr4::Token::EOF || b < a || b >= text_.size()) return clip(c->getStart()->getText());
    std::string out;
    for (size_t i = a; i <= b && out.size() <= kMaxText; ++i) {
      char ch = text_[i];
      if (ch == '\n' || ch == '\r' || ch == '\t') ch = ' ';
      if (ch == ' ' && !out.empty() && out.back() == ' ') continue;
      out += ch;
    }
    return clip(std::move(out));
  }
  static std::string clip(std::string s) {
    if (s.size() <= kMaxText) return s;
    size_t cut = kMaxText - 3;
    while (cut > 0 && is_utf8_continuation(s[cut])) --cut; // not inside a character
    return s.substr(0, cut) + "...";
  }

  static std::string name(AeParser::NameContext *n) { return n->getText(); }

  Size size(AeParser::SizeContext *c) {
    Size s;
    s.span = span_of(c);
    if (c->INT()) s.value = integer(c->INT()->getSymbol());
    else s.name = name(c->name());
    return s;
  }

  std::vector<Size> shape(AeParser::ShapeContext *c) {
    std::vector<Size> out;
    for (auto *s : c->size()) out.push_back(size(s));
    return out;
  }

  // Literals too large for their type are errors at the literal, not exceptions.
  static long integer(antlr4::Token *t) {
    try {
      return std::stol(t->getText());
    } catch (const std::exception &) {
      throw CompileError(span_of(t), "the integer " + t->getText() + " is too large");
    }
  }
  static double number(AeParser::NumberContext *c) {
    try {
      return std::stod(c->getText());
    } catch (const std::exception &) {
      throw CompileError(span_of(c), "the number " + c->getText() + " is out of range for a double");
    }
  }
  static double signed_number(AeParser::SignedNumberContext *c) {
    double v = number(c->number());
    return c->getStart()->getText() == "-" ? -v : v;
  }

  // Positional arguments; keyword arguments only where `keywords` takes them (calls).
  std::vector<ExprPtr> args(AeParser::ArgsContext *c, std::vector<Keyword> *keywords = nullptr) {
    std::vector<ExprPtr> out;
    if (!c) return out;
    for (auto *a : c->arg()) {
      if (!a->name()) {
        if (keywords && !keywords->empty())
          throw CompileError(span_of(a), "a positional argument cannot follow keyword arguments (" + keywords->back().name + "=...)");
        out.push_back(expr(a->expr()));
        continue;
      }
      if (!keywords) throw CompileError(span_of(a->name()), "keyword arguments (" + name(a->name()) + "=...) are only for built-in calls");
      std::string key = name(a->name());
      for (const Keyword &k : *keywords)
        if (k.name == key) throw CompileError(span_of(a->name()), "the keyword argument " + key + " is given twice");
      keywords->push_back({key, span_of(a->name()), expr(a->expr())});
    }
    return out;
  }

  Stmt stmt(AeParser::StatementContext *c) {
    Stmt s;
    s.span = span_of(c);
    if (auto *d = dynamic_cast<AeParser::DimStmtContext *>(c)) {
      s.kind = StmtKind::Dim;
      set_name(s, d->name());
      if (d->INT()) s.dim_value = integer(d->INT()->getSymbol());
    } else if (auto *i = dynamic_cast<AeParser::InputStmtContext *>(c)) {
      s.kind = StmtKind::Input;
      set_name(s, i->name());
      s.shape = shape(i->shape());
    } else if (auto *p = dynamic_cast<AeParser::ParamStmtContext *>(c)) {
      s.kind = StmtKind::Param;
      set_name(s, p->name());
      s.shape = shape(p->shape());
      s.per_sample = p->PER() != nullptr;
      s.init.name = name(p->initializer()->name());
      s.init.span = span_of(p->initializer());
      s.init.args = args(p->initializer()->args());
    } else if (auto *h = dynamic_cast<AeParser::HyperStmtContext *>(c)) {
      s.kind = StmtKind::Hyper;
      set_name(s, h->name());
      s.hyper_value = signed_number(h->signedNumber());
    } else if (auto *m = dynamic_cast<AeParser::MinimizeStmtContext *>(c)) {
      s.kind = StmtKind::Minimize;
      s.body = expr(m->expr());
    } else if (auto *o = dynamic_cast<AeParser::OutputStmtContext *>(c)) {
      s.kind = StmtKind::Output;
      set_name(s, o->name());
      s.body = expr(o->expr());
    } else if (auto *k = dynamic_cast<AeParser::CheckStmtContext *>(c)) {
      s.kind = StmtKind::Check;
      set_name(s, k->name());
      s.check_args = args(k->args());
    } else if (auto *t = dynamic_cast<AeParser::TrainStmtContext *>(c)) {
      s.kind = StmtKind::Train;
      for (auto *opt : t->trainOption()) s.options.push_back({name(opt->name()), opt->trainValue()->getText(), span_of(opt)});
    } else if (auto *f = dynamic_cast<AeParser::FuncStmtContext *>(c)) {
      s.kind = StmtKind::Func;
      set_name(s, f->name());
      if (auto *sub = f->subscriptList()) {
        if (s.name.back() != '_') throw CompileError(span_of(sub), "a braced subscript list must follow '_', as in f_{W,b}");
        s.name.pop_back();
        s.braced_subscript = true;
        for (auto *n : sub->name()) s.subscripts.push_back(name(n));
      }
      if (auto *fs = f->formals())
        for (auto *n : fs->name()) s.formals.push_back({name(n), span_of(n)});
      s.body = expr(f->expr());
    } else if (auto *a = dynamic_cast<AeParser::AssignStmtContext *>(c)) {
      s.kind = StmtKind::Assign;
      set_name(s, a->name());
      s.body = expr(a->expr());
    }
    return s;
  }

  static void set_name(Stmt &s, AeParser::NameContext *n) {
    s.name = name(n);
    s.name_span = span_of(n);
  }

  ExprPtr make(ExprKind k, Span sp, antlr4::ParserRuleContext *whole, std::vector<ExprPtr> args = {}) {
    auto e = std::make_shared<Expr>();
    e->kind = k;
    e->span = sp;
    e->extent = join(span_of(whole->getStart()), span_of(whole->getStop()));
    e->text = source_text(whole);
    e->nesting = ast::nesting_of(k, args);
    if (e->nesting > kMaxNesting) throw CompileError(sp, ast::too_deep_message());
    e->args = std::move(args);
    return e;
  }

  ExprPtr expr(AeParser::ExprContext *c) {
    if (auto *p = dynamic_cast<AeParser::PlainExprContext *>(c)) return sum(p->sum());
    auto *u = dynamic_cast<AeParser::UnrollExprContext *>(c);
    auto e =
        std::const_pointer_cast<Expr>(make(ExprKind::Unroll, span_of(u->UNROLL()->getSymbol()), u, {expr(u->expr(0)), expr(u->expr(1))}));
    e->count = size(u->size());
    e->name = name(u->name());
    return e;
  }

  ExprPtr sum(AeParser::SumContext *c) {
    return chain(
        c, [](auto *x) { return x->sum(); }, [&](auto *x) { return product(x->product()); },
        [](const std::string &op) { return op == "+" ? BinOp::Add : BinOp::Sub; });
  }

  ExprPtr product(AeParser::ProductContext *c) {
    return chain(
        c, [](auto *x) { return x->product(); }, [&](auto *x) { return unary(x->unary()); },
        [](const std::string &op) {
          return op == "*" ? BinOp::MatMul : op == ".*" ? BinOp::EMul : op == "./" ? BinOp::EDiv : BinOp::Div;
        });
  }

  // `a + b - c`: ANTLR nests the tree along the left operands, one level per operator
  // (`inner(c)`, null at the first operand); it is read in a loop (a chain may have 100000
  // terms) and built left to right, each link's right operand being `operand(c)`.
  template <class Ctx, class Inner, class Operand, class OpOf> ExprPtr chain(Ctx *c, Inner inner, Operand operand, OpOf op_of) {
    std::vector<Ctx *> links;
    for (; inner(c); c = inner(c)) links.push_back(c);
    ExprPtr left = operand(c);
    for (auto it = links.rbegin(); it != links.rend(); ++it) {
      auto e = std::const_pointer_cast<Expr>(make(ExprKind::Binary, span_of((*it)->op), *it, {left, operand(*it)}));
      e->op = op_of((*it)->op->getText());
      left = e;
    }
    return left;
  }

  ExprPtr unary(AeParser::UnaryContext *c) {
    if (c->postfix()) return postfix(c->postfix());
    return make(ExprKind::Neg, span_of(c->getStart()), c, {unary(c->unary())});
  }

  // Suffixes apply left to right: A' ^T ^2.
  ExprPtr postfix(AeParser::PostfixContext *c) {
    ExprPtr cur = atom(c->atom());
    for (auto *sfx : c->suffix()) {
      Span sp = span_of(sfx);
      auto whole_text = cur->text + sfx->getText();
      ExprPtr next;
      auto *ex = sfx->exponent();
      if (!ex || (ex->name() && ex->name()->getText() == "T")) {
        next = make(ExprKind::Transpose, sp, sfx, {cur});
      } else {
        ExprPtr power;
        if (ex->expr()) power = expr(ex->expr());
        else if (ex->name()) {
          auto n = std::const_pointer_cast<Expr>(make(ExprKind::Name, span_of(ex), ex));
          n->name = ex->getText();
          power = n;
        } else {
          auto n = std::const_pointer_cast<Expr>(make(ExprKind::Number, span_of(ex), ex));
          n->number = number(ex->number()) * (ex->getStart()->getText() == "-" ? -1 : 1);
          power = n;
        }
        next = make(ExprKind::Power, sp, sfx, {cur, power});
      }
      std::const_pointer_cast<Expr>(next)->text = clip(std::move(whole_text));
      std::const_pointer_cast<Expr>(next)->extent = join(cur->extent, span_of(sfx->getStop()));
      cur = next;
    }
    return cur;
  }

  ExprPtr atom(AeParser::AtomContext *c) {
    if (auto *n = dynamic_cast<AeParser::NumberAtomContext *>(c)) {
      auto e = std::const_pointer_cast<Expr>(make(ExprKind::Number, span_of(n), n));
      e->number = number(n->number());
      return e;
    }
    if (auto *n = dynamic_cast<AeParser::NameAtomContext *>(c)) {
      auto e = std::const_pointer_cast<Expr>(make(ExprKind::Name, span_of(n), n));
      e->name = name(n->name());
      return e;
    }
    if (auto *k = dynamic_cast<AeParser::CallAtomContext *>(c)) {
      std::vector<Keyword> keywords;
      auto e = std::const_pointer_cast<Expr>(make(ExprKind::Call, span_of(k), k, args(k->args(), &keywords)));
      e->name = name(k->name());
      for (const Keyword &kw : keywords) e->nesting = std::max(e->nesting, kw.value->nesting + 1);
      if (e->nesting > kMaxNesting) throw CompileError(e->span, ast::too_deep_message());
      e->keywords = std::move(keywords);
      return e;
    }
    if (auto *p = dynamic_cast<AeParser::ParenAtomContext *>(c)) return expr(p->expr());
    auto *n = dynamic_cast<AeParser::NormAtomContext *>(c);
    auto e = std::const_pointer_cast<Expr>(make(ExprKind::Norm, span_of(n), n, {expr(n->expr())}));
    std::string kind = n->normKind ? n->normKind->getText() : "";
    e->norm = kind == "_1" ? NormKind::L1 : kind == "_F" ? NormKind::Frobenius : NormKind::L2;
    return e;
  }
};

// The position of the first byte that is not valid UTF-8 (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF, which ANTLR's decoder would throw on), if any.
std::optional<Span> invalid_utf8(const std::string &text) {
  int line = 1, col = 1;
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > text.size()) return Span{line, col, 1};
    uint32_t cp = len == 1 ? c : c & (0x7F >> len);
    for (size_t k = 1; k < len; ++k) {
      unsigned char t = static_cast<unsigned char>(text[i + k]);
      if ((t >> 6) != 0x2) return Span{line, col, 1};
      cp = (cp << 6) | (t & 0x3F);
    }
    static constexpr uint32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kSmallest[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return Span{line, col, 1};
    if (c == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
    i += len;
  }
  return std::nullopt;
}

} // namespace

ast::Program parse_program(const SourcePtr &source) {
  if (auto bad = invalid_utf8(source->text)) throw CompileError(*bad, "the file is not valid UTF-8 text");
  antlr4::ANTLRInputStream input(source->text);
  AeLexer lexer(&input);
  antlr4::CommonTokenStream tokens(&lexer);
  AeParser parser(&tokens);
  SyntaxErrorListener listener;
  lexer.removeErrorListeners();
  parser.removeErrorListeners();
  lexer.addErrorListener(&listener);
  parser.addErrorListener(&listener);

  tokens.fill();
  check_nesting(tokens.getTokens());
  // A stray character becomes an ANY token; the parser reports it where it appears.
  AeParser::ProgramContext *tree = parser.program();
  if (!listener.diags.empty()) {
    // ANTLR may report one mistake several times while it recovers; the first is the real one.
    throw CompileError({listener.diags.front()});
  }
  ast::Program prog = Builder(source->text).build(tree);
  prog.source = source;
  return prog;
}

} // namespace aec
