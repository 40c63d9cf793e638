// How each type of training option is spelled, checked and shown; the schema's rows as data.
#include "support/train_options.h"
#include "support/number_text.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <sstream>

namespace aec {

std::string to_string(const Schedule &s) {
  switch (s.kind) {
  case Schedule::Constant: return "constant";
  case Schedule::Cosine: return "cosine";
  case Schedule::Step: {
    std::ostringstream os;
    os << "step:" << s.every << ":" << s.factor;
    return os.str();
  }
  }
  return "constant";
}

namespace train_options {
namespace {

// A number that is the whole text and finite.
bool read_number(const std::string &t, double &out) {
  double v = 0;
  auto r = std::from_chars(t.data(), t.data() + t.size(), v);
  if (r.ec != std::errc() || r.ptr != t.data() + t.size() || !std::isfinite(v)) return false;
  out = v;
  return true;
}

// An integer that is the whole text (also written as an integral number, e.g. 1e3).
template <class Int> bool read_integer(const std::string &t, Int &out) {
  Int v = 0;
  auto r = std::from_chars(t.data(), t.data() + t.size(), v);
  if (r.ec == std::errc() && r.ptr == t.data() + t.size()) {
    out = v;
    return true;
  }
  double d = 0;
  if (!read_number(t, d) || d != std::floor(d) || std::abs(d) > 9e15) return false;
  out = static_cast<Int>(d);
  return true;
}

const char *kScheduleChoices = "expected constant, step[:EVERY[:FACTOR]] or cosine";

std::string read_schedule(const std::string &text, Schedule &out) {
  std::vector<std::string> parts;
  std::stringstream ss(text);
  for (std::string part; std::getline(ss, part, ':');) parts.push_back(part);
  if (!text.empty() && text.back() == ':') parts.push_back("");
  Schedule s;
  if (parts.size() == 1 && parts[0] == "constant") s.kind = Schedule::Constant;
  else if (parts.size() == 1 && parts[0] == "cosine") s.kind = Schedule::Cosine;
  else if (!parts.empty() && parts[0] == "step" && parts.size() <= 3) {
    s.kind = Schedule::Step;
    if (parts.size() > 1 && (!read_integer(parts[1], s.every) || s.every < 1))
      return std::string("EVERY must be a positive number of epochs (") + kScheduleChoices + ")";
    if (parts.size() > 2 && (!read_number(parts[2], s.factor) || !(s.factor > 0 && s.factor <= 1)))
      return std::string("FACTOR must be in (0, 1] (") + kScheduleChoices + ")";
  } else {
    return kScheduleChoices;
  }
  out = s;
  return "";
}

} // namespace

const std::vector<std::string> &optimizer_names() {
  static const std::vector<std::string> names = {"sgd", "momentum", "adam"};
  return names;
}

const std::vector<std::string> &precision_names() {
  static const std::vector<std::string> names = {"fp32", "bf16"};
  return names;
}

std::string listed(const std::vector<std::string> &names, const char *last_separator) {
  std::string s;
  for (size_t i = 0; i < names.size(); ++i) s += (i == 0 ? "" : i + 1 == names.size() ? last_separator : ", ") + names[i];
  return s;
}

// What a value of type T must be, as the end of a message.
template <Type T> std::string expectation() {
  if constexpr (T == Type::Count || T == Type::OptionalCount) return "expected a positive integer";
  else if constexpr (T == Type::Seed) return "expected a non-negative integer";
  else if constexpr (T == Type::Rate || T == Type::OptionalPositive) return "expected a positive number";
  else if constexpr (T == Type::OptionalFraction) return "expected a fraction between 0 and 1, e.g. 0.1";
  else if constexpr (T == Type::OptimizerName) return "expected " + listed(optimizer_names());
  else if constexpr (T == Type::PrecisionName) return "expected " + listed(precision_names());
  else if constexpr (T == Type::Bool) return "expected true or false";
  else if constexpr (T == Type::LrSchedule) return kScheduleChoices;
  else if constexpr (T == Type::Names) return "expected names separated by commas, e.g. W1,b1";
  else return "expected a non-negative integer (0: every core)"; // Threads
}

std::vector<std::string> split_names(const std::string &names) {
  std::vector<std::string> out;
  if (names.empty()) return out;
  size_t start = 0;
  for (size_t comma; (comma = names.find(',', start)) != std::string::npos; start = comma + 1)
    out.push_back(names.substr(start, comma - start));
  out.push_back(names.substr(start));
  return out;
}

template <Type T> std::string check(const ValueOf<T> &v) {
  bool ok = true;
  if constexpr (T == Type::Count) ok = v >= 1;
  else if constexpr (T == Type::Rate) ok = std::isfinite(v) && v > 0;
  else if constexpr (T == Type::OptionalPositive) ok = v == 0 || (std::isfinite(v) && v > 0);
  else if constexpr (T == Type::OptionalFraction) ok = v == 0 || (v > 0 && v < 1);
  else if constexpr (T == Type::OptionalCount || T == Type::Threads) ok = v >= 0;
  else if constexpr (T == Type::OptimizerName || T == Type::PrecisionName) {
    ok = false;
    for (const std::string &n : T == Type::OptimizerName ? optimizer_names() : precision_names()) ok |= v == n;
  } else if constexpr (T == Type::LrSchedule) ok = v.kind != Schedule::Step || (v.every >= 0 && v.factor > 0 && v.factor <= 1);
  else if constexpr (T == Type::Names) {
    for (const std::string &n : split_names(v))
      ok &= !n.empty() && std::isalpha(static_cast<unsigned char>(n[0])) &&
            std::all_of(n.begin(), n.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '~'; });
    ok &= v.empty() || (v.front() != ',' && v.back() != ',');
  }
  return ok ? "" : expectation<T>();
}

template <Type T> std::string parse(const std::string &t, ValueOf<T> &out) {
  ValueOf<T> v{};
  bool read = false;
  if constexpr (T == Type::Count || T == Type::OptionalCount || T == Type::Seed || T == Type::Threads) read = read_integer(t, v);
  else if constexpr (T == Type::Rate || T == Type::OptionalPositive || T == Type::OptionalFraction) read = read_number(t, v);
  else if constexpr (T == Type::OptimizerName || T == Type::PrecisionName || T == Type::Names) read = (v = t, true);
  else if constexpr (T == Type::Bool) read = t == "true" || t == "false", v = t == "true";
  else if constexpr (T == Type::LrSchedule) {
    if (std::string why = read_schedule(t, v); !why.empty()) return why;
    read = true;
  }
  if (!read || !check<T>(v).empty()) return expectation<T>();
  // Written out, an optional option is on: 0 is not a way to write it.
  if constexpr (T == Type::OptionalPositive || T == Type::OptionalFraction || T == Type::OptionalCount)
    if (v == 0) return expectation<T>();
  out = v;
  return "";
}

template <Type T> std::string text(const ValueOf<T> &v) {
  if constexpr (T == Type::Rate || T == Type::OptionalPositive || T == Type::OptionalFraction) return shortest_text(v);
  else if constexpr (T == Type::OptimizerName || T == Type::PrecisionName || T == Type::Names) return v;
  else if constexpr (T == Type::Bool) return v ? "true" : "false";
  else if constexpr (T == Type::LrSchedule) return to_string(v);
  else return std::to_string(v);
}

#define AEC_INSTANTIATE(T)                                                                                                                 \
  template std::string parse<Type::T>(const std::string &, ValueOf<Type::T> &);                                                            \
  template std::string check<Type::T>(const ValueOf<Type::T> &);                                                                           \
  template std::string text<Type::T>(const ValueOf<Type::T> &);
AEC_INSTANTIATE(Count)
AEC_INSTANTIATE(Seed)
AEC_INSTANTIATE(Rate)
AEC_INSTANTIATE(OptionalPositive)
AEC_INSTANTIATE(OptionalFraction)
AEC_INSTANTIATE(OptionalCount)
AEC_INSTANTIATE(OptimizerName)
AEC_INSTANTIATE(PrecisionName)
AEC_INSTANTIATE(Names)
AEC_INSTANTIATE(Bool)
AEC_INSTANTIATE(LrSchedule)
AEC_INSTANTIATE(Threads)
#undef AEC_INSTANTIATE

const std::vector<Spec> &specs() {
  static const std::vector<Spec> rows = {
#define TRAIN_OPTION(name, type, default_value, help, where) {#name, Type::type, help, where},
#include "support/train_options.def"
#undef TRAIN_OPTION
  };
  return rows;
}

const Spec *find(const std::string &name) {
  for (const Spec &s : specs())
    if (name == s.name) return &s;
  return nullptr;
}

std::vector<std::string> names(unsigned where) {
  std::vector<std::string> out;
  for (const Spec &s : specs())
    if (s.where & where) out.push_back(s.name);
  return out;
}

} // namespace train_options
} // namespace aec
