// The training options' schema (train_options.def) and what every place that reads or writes an
// option uses: how each type is spelled, checked and shown. The front end checks the program's
// `train` line with it; the runtime's TrainConfig has a field per row; the command line, the API
// and checkpoints read and write those fields through the generic functions below.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace aec {

// A learning-rate schedule: `constant`, `step[:EVERY[:FACTOR]]` (multiply by FACTOR, default 0.1,
// every EVERY epochs, default a third of the run) or `cosine` (from lr down to 0 over the run).
struct Schedule {
  enum Kind { Constant, Step, Cosine } kind = Constant;
  int64_t every = 0;   // Step: epochs between decays (0: a third of the run)
  double factor = 0.1; // Step: the multiplier
};
std::string to_string(const Schedule &s);

namespace train_options {

enum Where : unsigned { Flag = 1, Line = 2, Api = 4, Saved = 8, Resumable = 16 };

enum class Type {
  Count,            // a positive integer
  Seed,             // a non-negative integer
  Rate,             // a positive number
  OptionalPositive, // a positive number; 0 (the default) turns the option off
  OptionalFraction, // a number in (0, 1); 0 (the default) turns the option off
  OptionalCount,    // a positive integer; 0 (the default) turns the option off
  OptimizerName,    // one of optimizer_names()
  PrecisionName,    // one of precision_names()
  Bool,             // true or false
  LrSchedule,       // constant, step[:EVERY[:FACTOR]] or cosine
  Threads,          // a non-negative integer; 0: every core
  Names,            // names separated by commas (params), or empty
};

template <Type> struct ValueType;
template <> struct ValueType<Type::Count> { using type = int64_t; };
template <> struct ValueType<Type::Seed> { using type = uint64_t; };
template <> struct ValueType<Type::Rate> { using type = double; };
template <> struct ValueType<Type::OptionalPositive> { using type = double; };
template <> struct ValueType<Type::OptionalFraction> { using type = double; };
template <> struct ValueType<Type::OptionalCount> { using type = int64_t; };
template <> struct ValueType<Type::OptimizerName> { using type = std::string; };
template <> struct ValueType<Type::PrecisionName> { using type = std::string; };
template <> struct ValueType<Type::Bool> { using type = bool; };
template <> struct ValueType<Type::LrSchedule> { using type = Schedule; };
template <> struct ValueType<Type::Threads> { using type = int; };
template <> struct ValueType<Type::Names> { using type = std::string; };
template <Type T> using ValueOf = typename ValueType<T>::type;

// The names of a Names value ("W1,b1" -> {W1, b1}).
std::vector<std::string> split_names(const std::string &names);

// The optimizers, by the names the options take (runtime/optimizer.cpp makes them).
const std::vector<std::string> &optimizer_names();

// The precisions of the products: fp32, bf16 (bfloat16 operands, float32 sums).
const std::vector<std::string> &precision_names();

// Reads `text` as a value of type T into `out` (left alone on failure); returns "" or what was
// expected, e.g. "expected a positive integer". Text must turn an optional option on: "0" is
// refused where 0 means off.
template <Type T> std::string parse(const std::string &text, ValueOf<T> &out);
// "" when `v` is a value of type T (an optional option may be 0, off), else what was expected.
template <Type T> std::string check(const ValueOf<T> &v);
// The value as text that parse reads back (an option that is off shows as 0).
template <Type T> std::string text(const ValueOf<T> &v);

struct Spec {
  const char *name;
  Type type;
  const char *help;
  unsigned where;
};
// The rows of train_options.def, in order.
const std::vector<Spec> &specs();
const Spec *find(const std::string &name);
// The names of the options that may be written in `where`, in order.
std::vector<std::string> names(unsigned where);
// "a, b, c or d": for messages listing the choices.
std::string listed(const std::vector<std::string> &names, const char *last_separator = " or ");

// A value for every option, each at its default (the runtime's TrainConfig).
struct Values {
#define TRAIN_OPTION(name, type, default_value, help, where) ValueOf<Type::type> name = default_value;
#include "support/train_options.def"
#undef TRAIN_OPTION
};

// Generic over a struct with a field per row: Values, and aec::TrainSettings' conversion.

// Sets option `name` from its text: "" when done, else what was expected ("unknown" for a name
// that is not an option).
template <class Config> std::string set(Config &c, const std::string &name, const std::string &value) {
#define TRAIN_OPTION(name_, type, default_value, help, where)                                                                              \
  if (name == #name_) return parse<Type::type>(value, c.name_);
#include "support/train_options.def"
#undef TRAIN_OPTION
  return "unknown";
}

// Option `name` as text ("" for a name that is not an option).
template <class Config> std::string get(const Config &c, const std::string &name) {
#define TRAIN_OPTION(name_, type, default_value, help, where)                                                                              \
  if (name == #name_) return text<Type::type>(c.name_);
#include "support/train_options.def"
#undef TRAIN_OPTION
  return "";
}

// The first option that may be written in `where` and holds a value of the wrong range, as
// "lr -1: expected a positive number"; "" when every one is in range.
template <class Config> std::string first_problem(const Config &c, unsigned where) {
  std::string problem;
#define TRAIN_OPTION(name_, type, default_value, help, where_)                                                                             \
  if (problem.empty() && (find(#name_)->where & where))                                                                                    \
    if (std::string why = check<Type::type>(c.name_); !why.empty())                                                                        \
      problem = std::string(#name_) + " " + text<Type::type>(c.name_) + ": " + why;
#include "support/train_options.def"
#undef TRAIN_OPTION
  return problem;
}

} // namespace train_options
} // namespace aec
