// Source files, spans and diagnostics: every user-facing error carries a file:line:col and is
// rendered with the source line and a caret under the offending token.
#pragma once
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace aec {

struct SourceFile {
  std::string name;
  std::string text;
  std::vector<std::string> lines() const;
};
using SourcePtr = std::shared_ptr<const SourceFile>;

// Characters (Unicode code points) in UTF-8 text: columns and underlines count these, not bytes.
int utf8_length(const std::string &text);
// A byte that continues a UTF-8 character (not the first byte of one).
inline bool is_utf8_continuation(char byte) { return (static_cast<unsigned char>(byte) & 0xC0) == 0x80; }

// A position in a .ae source; line and col count from 1, in characters. `len` is the width to
// underline, in characters.
struct Span {
  int line = 0;
  int col = 0;
  int len = 1;
  bool valid() const { return line > 0; }
};

struct Diagnostic {
  Span span;
  std::string message;
  std::string note;     // optional second line, e.g. "declared here"
  bool is_note = false; // a located note that follows an error (rendered "note:", with its caret)
};

// Renders "file:line:col: error: message", the source line and a caret (a long line is cut to
// a window around the caret).
std::string render(const SourceFile &src, const Diagnostic &d, const char *severity = "error");

// An error at places in a .ae source (or a graph's text), caught at the tool boundary. Whoever
// knows the source attaches it, so the error renders itself with carets.
class LocatedError : public std::runtime_error {
public:
  explicit LocatedError(std::vector<Diagnostic> ds);
  LocatedError(Span s, std::string message);
  const std::vector<Diagnostic> &diagnostics() const { return diags_; }
  // A located note after the error, e.g. the call site of the function whose body failed.
  void add_note(Span s, std::string message) { diags_.push_back({s, std::move(message), {}, true}); }

  const SourcePtr &source() const { return source_; }
  void attach_source(SourcePtr src) {
    if (!source_) source_ = std::move(src);
  }
  // Every diagnostic rendered against the attached source (without one: "error: message" lines).
  std::string render() const;

private:
  std::vector<Diagnostic> diags_;
  SourcePtr source_;
};

// A program the compiler refuses: its syntax, names, shapes, sizes, or what is not supported yet.
class CompileError : public LocatedError {
public:
  using LocatedError::LocatedError;
};

// Training stopped because a loss or gradient became NaN or infinite; located at the expression
// where a value first did.
class NonFiniteError : public LocatedError {
public:
  using LocatedError::LocatedError;
};

// An error about something that is not a .ae source (a data file, a flag, a checkpoint): the
// message already names the file and what is wrong.
class InputError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

} // namespace aec
