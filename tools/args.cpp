#include "args.h"
#include "source/diagnostics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace aec::cli {

namespace {

// Edits (insertions, deletions, substitutions) between two strings.
size_t edit_distance(const std::string &a, const std::string &b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// "unknown flag --optimiser; did you mean --optimizer?", or the command's flags when none is close.
std::string unknown_flag(const std::string &name, const std::set<std::string> &valued, const std::set<std::string> &booleans) {
  std::set<std::string> flags = valued;
  flags.insert(booleans.begin(), booleans.end());
  flags.insert("set");
  if (std::string closest = closest_word(name, flags); !closest.empty())
    return "unknown flag --" + name + "; did you mean --" + closest + "?";
  std::string list;
  for (const std::string &f : flags) list += (list.empty() ? "--" : ", --") + f;
  return "unknown flag --" + name + " (this command takes " + list + ")";
}

} // namespace

std::string closest_word(const std::string &word, const std::set<std::string> &candidates) {
  std::string closest;
  size_t best = 3; // at most two edits away
  for (const std::string &c : candidates)
    if (size_t d = edit_distance(word, c); d < best) best = d, closest = c;
  return closest;
}

Args::Args(const std::vector<std::string> &argv, const std::set<std::string> &valued, const std::set<std::string> &booleans) {
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string &a = argv[i];
    if (a.rfind("--", 0) != 0 || a == "--") {
      positional_.push_back(a);
      continue;
    }
    std::string name = a.substr(2), value;
    bool inline_value = false;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      inline_value = true;
    }
    if (booleans.count(name)) {
      if (inline_value) throw InputError("--" + name + " takes no value");
      values_[name] = "true";
      continue;
    }
    if (!valued.count(name) && name != "set") throw InputError(unknown_flag(name, valued, booleans));
    if (!inline_value) {
      if (i + 1 >= argv.size()) throw InputError("--" + name + " needs a value");
      value = argv[++i];
    }
    if (name == "set") {
      auto eq = value.find('=');
      if (eq == std::string::npos || eq == 0) throw InputError("--set " + value + ": expected name=value");
      sets_[value.substr(0, eq)] = value.substr(eq + 1);
      continue;
    }
    values_[name] = value;
    all_values_[name].push_back(value);
  }
}

std::vector<std::string> Args::get_all(const std::string &flag) const {
  auto it = all_values_.find(flag);
  return it == all_values_.end() ? std::vector<std::string>{} : it->second;
}

std::optional<std::string> Args::get(const std::string &flag) const {
  auto it = values_.find(flag);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::optional<int64_t> Args::get_int(const std::string &flag, int64_t min) const {
  auto v = get(flag);
  if (!v) return std::nullopt;
  size_t used = 0;
  long long x = 0;
  try {
    x = std::stoll(*v, &used);
  } catch (...) {
    used = 0;
  }
  if (used != v->size() || v->empty() || x < min)
    throw InputError("--" + flag + " " + *v + ": expected an integer >= " + std::to_string(min));
  return x;
}

std::optional<double> Args::get_double(const std::string &flag, double min_exclusive) const {
  auto v = get(flag);
  if (!v) return std::nullopt;
  size_t used = 0;
  double x = 0;
  try {
    x = std::stod(*v, &used);
  } catch (...) {
    used = 0;
  }
  if (used != v->size() || v->empty() || !std::isfinite(x) || x <= min_exclusive) {
    char bound[32];
    std::snprintf(bound, sizeof bound, "%g", min_exclusive);
    throw InputError("--" + flag + " " + *v + ": expected a finite number > " + bound);
  }
  return x;
}

} // namespace aec::cli
