// Command-line flags: `--name value`, `--name=value`, repeatable `--set k=v`, boolean flags.
// Unknown flags and bad values are InputErrors naming the flag.
#pragma once
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace aec::cli {

class Args {
public:
  // `booleans` take no value; every other flag in `valued` takes one.
  Args(const std::vector<std::string> &argv, const std::set<std::string> &valued, const std::set<std::string> &booleans);

  const std::vector<std::string> &positional() const { return positional_; }
  bool has(const std::string &flag) const { return values_.count(flag) > 0; }
  std::optional<std::string> get(const std::string &flag) const;   // the last value given
  std::vector<std::string> get_all(const std::string &flag) const; // every value, in order (--data x=... --data y=...)
  std::optional<int64_t> get_int(const std::string &flag, int64_t min) const;
  std::optional<double> get_double(const std::string &flag, double min_exclusive) const;
  const std::map<std::string, std::string> &sets() const { return sets_; } // --set name=value

private:
  std::vector<std::string> positional_;
  std::map<std::string, std::string> values_;
  std::map<std::string, std::vector<std::string>> all_values_;
  std::map<std::string, std::string> sets_;
};

// The candidate at most two edits from `word` (the closest), or "" when none is: for "did you
// mean" hints on misspelt flags and commands.
std::string closest_word(const std::string &word, const std::set<std::string> &candidates);

} // namespace aec::cli
