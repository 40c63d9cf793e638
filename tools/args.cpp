#include "args.h"
#include "support/diagnostics.h"

#include <cmath>

namespace aec::cli {

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
    if (!valued.count(name) && name != "set") throw InputError("unknown flag --" + name);
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
  }
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
  if (used != v->size() || v->empty() || !std::isfinite(x) || x <= min_exclusive)
    throw InputError("--" + flag + " " + *v + ": expected a number > " + std::to_string(min_exclusive));
  return x;
}

} // namespace aec::cli
