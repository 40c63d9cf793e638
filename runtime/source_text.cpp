#include "runtime/source_text.h"

#include <algorithm>

namespace aec::runtime {

std::string source_text(const Model &m, const Span &span, ir::Op op) {
  if (m.source && span.valid()) {
    std::vector<std::string> lines = m.source->lines();
    if (size_t(span.line) <= lines.size()) {
      const std::string &line = lines[size_t(span.line - 1)];
      if (size_t(span.col - 1) < line.size()) return line.substr(size_t(span.col - 1), size_t(std::max(1, span.len)));
    }
  }
  return ir::info(op).spelling;
}

} // namespace aec::runtime
