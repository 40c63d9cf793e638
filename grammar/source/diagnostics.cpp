#include "source/diagnostics.h"

#include <algorithm>
#include <sstream>

namespace aec {

std::vector<std::string> SourceFile::lines() const {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    if (c == '\n') {
      if (!cur.empty() && cur.back() == '\r') cur.pop_back();
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

int utf8_length(const std::string &text) {
  int n = 0;
  for (char c : text) n += !is_utf8_continuation(c);
  return n;
}

namespace {

// The source line with a caret and underline below the span, counted in characters; a line of
// more than kWindow characters is shown from a little before the caret, cut with "...".
void show_line(std::ostringstream &os, const std::string &line, const Span &span) {
  constexpr int kWindow = 160, kBefore = 60, kMaxUnderline = 60;
  std::vector<size_t> starts; // byte offset of each character
  for (size_t i = 0; i < line.size(); ++i)
    if (!is_utf8_continuation(line[i])) starts.push_back(i);
  const int chars = static_cast<int>(starts.size()), caret = span.col - 1;
  int begin = 0, end = chars;
  if (chars > kWindow) {
    begin = std::clamp(caret - kBefore, 0, chars - kWindow);
    end = begin + kWindow;
  }
  auto bytes = [&](int from, int to) {
    size_t a = from < chars ? starts[size_t(from)] : line.size(), b = to < chars ? starts[size_t(to)] : line.size();
    return line.substr(a, b - a);
  };
  const std::string lead = begin > 0 ? "..." : "";
  os << "    " << lead << bytes(begin, end) << (end < chars ? "..." : "") << "\n    " << std::string(lead.size(), ' ');
  for (int i = begin; i < caret && i < end; ++i) os << (line[starts[size_t(i)]] == '\t' ? '\t' : ' ');
  os << '^';
  int underline = std::min({span.len, kMaxUnderline, std::max(1, end - caret)});
  for (int i = 1; i < underline; ++i) os << '~';
  os << "\n";
}

} // namespace

std::string render(const SourceFile &src, const Diagnostic &d, const char *severity) {
  std::ostringstream os;
  if (!d.span.valid()) {
    os << src.name << ": " << severity << ": " << d.message << "\n";
    return os.str();
  }
  os << src.name << ":" << d.span.line << ":" << d.span.col << ": " << severity << ": " << d.message << "\n";
  auto lines = src.lines();
  if (d.span.line - 1 < static_cast<int>(lines.size())) show_line(os, lines[size_t(d.span.line - 1)], d.span);
  if (!d.note.empty()) os << src.name << ": note: " << d.note << "\n";
  return os.str();
}

static std::string first_message(const std::vector<Diagnostic> &ds) { return ds.empty() ? std::string("error") : ds.front().message; }

LocatedError::LocatedError(std::vector<Diagnostic> ds) : std::runtime_error(first_message(ds)), diags_(std::move(ds)) {}

LocatedError::LocatedError(Span s, std::string message) : LocatedError(std::vector<Diagnostic>{Diagnostic{s, std::move(message), {}}}) {}

std::string LocatedError::render() const {
  SourceFile unknown{"<source>", {}};
  std::string out;
  for (const Diagnostic &d : diags_) out += aec::render(source_ ? *source_ : unknown, d, d.is_note ? "note" : "error");
  return out;
}

} // namespace aec
