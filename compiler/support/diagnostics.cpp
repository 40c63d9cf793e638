#include "support/diagnostics.h"

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

std::string render(const SourceFile &src, const Diagnostic &d) {
  std::ostringstream os;
  if (!d.span.valid()) {
    os << src.name << ": error: " << d.message << "\n";
    return os.str();
  }
  os << src.name << ":" << d.span.line << ":" << d.span.col << ": error: " << d.message << "\n";
  auto lines = src.lines();
  if (d.span.line - 1 < static_cast<int>(lines.size())) {
    const std::string &line = lines[d.span.line - 1];
    os << "    " << line << "\n    ";
    for (int i = 1; i < d.span.col && i - 1 < static_cast<int>(line.size()); ++i)
      os << (line[i - 1] == '\t' ? '\t' : ' ');
    os << '^';
    for (int i = 1; i < d.span.len && i < 60; ++i) os << '~';
    os << "\n";
  }
  if (!d.note.empty()) os << src.name << ": note: " << d.note << "\n";
  return os.str();
}

static std::string first_message(const std::vector<Diagnostic> &ds) {
  return ds.empty() ? std::string("error") : ds.front().message;
}

CompileError::CompileError(std::vector<Diagnostic> ds)
    : std::runtime_error(first_message(ds)), diags_(std::move(ds)) {}

CompileError::CompileError(Span s, std::string message)
    : CompileError(std::vector<Diagnostic>{Diagnostic{s, std::move(message), {}}}) {}

std::string CompileError::render() const {
  SourceFile unknown{"<source>", {}};
  std::string out;
  for (const Diagnostic &d : diags_) out += aec::render(source_ ? *source_ : unknown, d);
  return out;
}

} // namespace aec
