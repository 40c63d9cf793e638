// CSV of numbers: one sample a row, fields separated by commas (or tabs, semicolons or spaces,
// whichever the first row uses). A first row of names (no empty field, not all numbers) is a
// header and is skipped. Errors point at line:col with the line shown and a caret under the field.
#include "runtime/data_files.h"
#include "source/diagnostics.h"

#include <cmath>
#include <cstdlib>

namespace aec::runtime {

namespace {

struct Field {
  size_t begin, end; // byte offsets within the line, surrounding blanks trimmed
};

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

char detect_separator(const std::string &line) {
  for (char c : {',', '\t', ';'})
    if (line.find(c) != std::string::npos) return c;
  return ' ';
}

std::vector<Field> split(const std::string &line, char sep) {
  std::vector<Field> fields;
  size_t i = 0, n = line.size();
  if (sep == ' ') {
    while (i < n) {
      while (i < n && is_blank(line[i])) ++i;
      if (i == n) break;
      size_t b = i;
      while (i < n && !is_blank(line[i])) ++i;
      fields.push_back({b, i});
    }
    return fields;
  }
  for (;;) {
    size_t e = line.find(sep, i);
    if (e == std::string::npos) e = n;
    size_t b = i, t = e;
    while (b < t && is_blank(line[b])) ++b;
    while (t > b && is_blank(line[t - 1])) --t;
    fields.push_back({b, t});
    if (e == n) break;
    i = e + 1;
  }
  return fields;
}

// The number in `text`, or false when it is not one (the whole field must parse).
bool parse_number(const std::string &text, double &out) {
  if (text.empty()) return false;
  char *end = nullptr;
  out = std::strtod(text.c_str(), &end); // overflow gives inf: refused below as out of range
  return end == text.c_str() + text.size();
}

// "file:line:col: message", then the line (a window of it when long) and a caret.
[[noreturn]] void fail_at(const std::string &path, size_t line_no, const std::string &line, Field f, const std::string &message) {
  size_t from = f.begin > 40 ? f.begin - 40 : 0, to = std::min(line.size(), f.end + 40);
  std::string excerpt = (from ? "..." : "") + line.substr(from, to - from) + (to < line.size() ? "..." : "");
  size_t caret = f.begin - from + (from ? 3 : 0);
  std::string text = path + ":" + std::to_string(line_no) + ":" + std::to_string(f.begin + 1) + ": " + message + "\n    " + excerpt +
                     "\n    " + std::string(caret, ' ') + "^" + std::string(f.end > f.begin + 1 ? f.end - f.begin - 1 : 0, '~');
  throw InputError(text);
}

} // namespace

Dataset load_csv(const std::string &path) {
  std::vector<unsigned char> bytes = read_file_bytes(path);
  Dataset d;
  char sep = 0;
  bool first_row = true;
  size_t line_no = 0, pos = 0, n = bytes.size();
  std::string line;
  while (pos < n) {
    size_t e = pos;
    while (e < n && bytes[e] != '\n') ++e;
    line.assign(bytes.begin() + long(pos), bytes.begin() + long(e));
    pos = e + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    bool blank = true;
    for (char c : line) blank = blank && is_blank(c);
    if (blank) continue;
    if (!sep) sep = detect_separator(line);
    std::vector<Field> fields = split(line, sep);
    std::vector<double> row(fields.size());
    size_t bad = fields.size();
    for (size_t k = 0; k < fields.size() && bad == fields.size(); ++k)
      if (!parse_number(line.substr(fields[k].begin, fields[k].end - fields[k].begin), row[k])) bad = k;
    if (first_row) {
      first_row = false;
      bool has_empty = false;
      for (Field f : fields) has_empty = has_empty || f.begin == f.end;
      if (bad < fields.size() && !has_empty) { // a header: names, not numbers; its width binds the rows below
        d.width = int64_t(fields.size());
        continue;
      }
    }
    if (d.width == 0) d.width = int64_t(fields.size());
    if (int64_t(fields.size()) != d.width) {
      Field where = int64_t(fields.size()) > d.width ? fields[size_t(d.width)] : Field{line.size(), line.size()};
      fail_at(path, line_no, line, where,
              "expected " + std::to_string(d.width) + " values in this row (as in the first row), found " + std::to_string(fields.size()));
    }
    if (bad < fields.size()) {
      Field f = fields[bad];
      std::string text = line.substr(f.begin, f.end - f.begin);
      fail_at(path, line_no, line, f,
              text.empty() ? "an empty field (column " + std::to_string(bad + 1) + ")"
                           : "'" + text + "' is not a number (column " + std::to_string(bad + 1) + ")");
    }
    for (size_t k = 0; k < row.size(); ++k) {
      float v = static_cast<float>(row[k]);
      if (!std::isfinite(v)) {
        std::string text = line.substr(fields[k].begin, fields[k].end - fields[k].begin);
        bool spelled = text.find_first_of("nNiI") != std::string::npos; // "nan", "inf", "Infinity"
        fail_at(path, line_no, line, fields[k],
                std::string(std::isnan(row[k]) ? "a NaN"
                            : spelled          ? "an infinite value"
                                               : "a value beyond float range") +
                    " (sample " + std::to_string(d.n) + ", column " + std::to_string(k + 1) + ")");
      }
      d.values.push_back(v);
    }
    ++d.n;
  }
  if (bytes.empty()) throw InputError(path + ": the file is empty");
  if (d.n == 0) throw InputError(path + ": the file holds no samples (only " + (d.width ? "a header" : "blank lines") + ")");
  d.description = path + " (" + std::to_string(d.n) + " samples of width " + std::to_string(d.width) + ")";
  return d;
}

} // namespace aec::runtime
