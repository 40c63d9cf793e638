#include "syntax_errors.h"

#include <algorithm>
#include <cctype>
#include <regex>
#include <set>

namespace aec {

namespace {

// A token as ANTLR prints it -> as a user would say it.
std::string token_words(std::string t) {
  if (t == "<EOF>" || t == "'<EOF>'" || t == "EOF") return "end of file";
  if (t == "NL" || t == "'\\n'" || t == "'\\r\\n'") return "end of line";
  if (t == "INT") return "an integer";
  if (t == "FLOAT") return "a number";
  if (t == "ID") return "a name";
  if (t == "NORM") return "'||'";
  return t;
}

std::string join(const std::vector<std::string> &items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i == 0 ? "" : i + 1 == items.size() ? " or " : ", ") + items[i];
  return out;
}

// "{'(', '-', INT, ID, NL}" or "')'" -> "an expression or end of line"
std::string expected_words(const std::string &set) {
  std::vector<std::string> items;
  std::string body = set.size() > 1 && set.front() == '{' ? set.substr(1, set.size() - 2) : set;
  std::regex item(R"('(?:[^'\\]|\\.)*'|[^,\s]+)");
  for (auto it = std::sregex_iterator(body.begin(), body.end(), item); it != std::sregex_iterator(); ++it) items.push_back(it->str());
  std::set<std::string> s(items.begin(), items.end());
  bool names = s.count("ID") > 0;
  bool expression = names && s.count("INT") && s.count("'('");
  std::vector<std::string> out;
  if (expression) out.push_back("an expression");
  for (const std::string &t : items) {
    // 'per', 'sample' and 'from' are names too; an expression covers its own first tokens.
    if (names && (t == "'per'" || t == "'sample'" || t == "'from'")) continue;
    if (expression && (t == "'('" || t == "'-'" || t == "'unroll'" || t == "'||'" || t == "NORM" || t == "UNROLL" || t == "INT" ||
                       t == "FLOAT" || t == "ID"))
      continue;
    std::string w = token_words(t);
    if (std::find(out.begin(), out.end(), w) == out.end()) out.push_back(w);
  }
  // A statement may end at a newline or at the end of the file: both are "the end of the line".
  auto eof = std::find(out.begin(), out.end(), "end of file");
  if (eof != out.end() && std::find(out.begin(), out.end(), "end of line") != out.end()) out.erase(eof);
  return join(out);
}

std::string quoted(const std::string &offending) {
  if (offending.empty() || offending == "<EOF>") return "end of file";
  if (offending == "\n" || offending == "\r\n") return "end of line";
  return "'" + offending + "'";
}

bool is_name_or_number(const std::string &t) {
  return !t.empty() && (std::isalnum(static_cast<unsigned char>(t[0])) || t[0] == '_' || t[0] == '.');
}

// The default-channel tokens of `offending`'s line up to it, in order.
std::vector<antlr4::Token *> line_before(antlr4::TokenStream *ts, antlr4::Token *offending) {
  std::vector<antlr4::Token *> out;
  for (ssize_t k = static_cast<ssize_t>(offending->getTokenIndex()) - 1; k >= 0; --k) {
    antlr4::Token *t = ts->get(static_cast<size_t>(k));
    if (t->getText() == "\n" || t->getText() == "\r\n") break;
    if (t->getChannel() == antlr4::Token::DEFAULT_CHANNEL) out.insert(out.begin(), t);
  }
  return out;
}

// Two operands side by side in an expression (`W x`, `(a)(b)`, `2 x`) are most often a product
// written as on paper: the hint says how aec writes it.
std::string juxtaposition_hint(antlr4::TokenStream *ts, antlr4::Token *offending) {
  std::string next = offending->getText();
  std::vector<antlr4::Token *> before = line_before(ts, offending);
  if (before.size() < 2 || !(is_name_or_number(next) || next == "(")) return "";
  std::string prev = before.back()->getText(), first = before.front()->getText();
  if (!(is_name_or_number(prev) || prev == ")" || prev == "'")) return "";
  // Only where an expression is being written (not in declarations or train options), and not
  // before a keyword (a second statement on the line).
  static const std::set<std::string> keywords = {"dim", "input", "param", "hyper", "minimize", "output", "train", "check", "unroll"};
  if (keywords.count(first) && first != "minimize" && first != "output") return "";
  if (keywords.count(next) || keywords.count(prev)) return "";
  if (is_name_or_number(prev) && is_name_or_number(next)) return "; a product is written with '*': " + prev + " * " + next;
  return "; a product is written with '*' between its operands";
}

} // namespace

std::string plain_syntax_message(const std::string &msg, const std::string &offending) {
  std::smatch m;
  if (std::regex_match(msg, m, std::regex(R"((?:extraneous|mismatched) input (.*) expecting (.*))")))
    return "unexpected " + quoted(offending) + "; expected " + expected_words(m[2]);
  if (std::regex_match(msg, m, std::regex(R"(missing (.*) at (.*))")))
    return "expected " + expected_words(m[1]) + " before " + quoted(offending);
  if (std::regex_match(msg, m, std::regex(R"(token recognition error at: '(.*)')")))
    return "unexpected character '" + std::string(m[1]) + "'";
  if (std::regex_match(msg, m, std::regex(R"(no viable alternative at input .*)"))) return "unexpected " + quoted(offending);
  return msg;
}

void SyntaxErrorListener::syntaxError(antlr4::Recognizer *recognizer, antlr4::Token *offending, size_t line, size_t col,
                                      const std::string &msg, std::exception_ptr) {
  Diagnostic d;
  d.span = {static_cast<int>(line), static_cast<int>(col) + 1, 1};
  std::string text;
  if (offending) {
    text = offending->getType() == antlr4::Token::EOF ? "<EOF>" : offending->getText();
    bool line_end = text == "<EOF>" || text == "\n" || text == "\r\n";
    if (!line_end) d.span.len = std::max(1, utf8_length(text));
    // At the end of the file, the caret goes just after the last real token.
    auto *parser = dynamic_cast<antlr4::Parser *>(recognizer);
    if (text == "<EOF>" && parser) {
      antlr4::TokenStream *ts = parser->getTokenStream();
      for (ssize_t k = static_cast<ssize_t>(offending->getTokenIndex()) - 1; k >= 0; --k) {
        antlr4::Token *prev = ts->get(static_cast<size_t>(k));
        if (prev->getChannel() != antlr4::Token::DEFAULT_CHANNEL || prev->getText() == "\n" || prev->getText() == "\r\n") continue;
        d.span = {static_cast<int>(prev->getLine()), static_cast<int>(prev->getCharPositionInLine()) + utf8_length(prev->getText()) + 1, 1};
        break;
      }
    }
  }
  d.message = "syntax error: " + plain_syntax_message(msg, text);
  auto *parser = dynamic_cast<antlr4::Parser *>(recognizer);
  if (parser && offending && offending->getType() != antlr4::Token::EOF && d.message.rfind("syntax error: unexpected ", 0) == 0)
    d.message += juxtaposition_hint(parser->getTokenStream(), offending);
  diags.push_back(d);
}

} // namespace aec
