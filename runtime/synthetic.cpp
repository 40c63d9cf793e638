#include "runtime/synthetic.h"
#include "source/diagnostics.h"

#include <random>
#include <sstream>

namespace aec::runtime {

LowRankSpec parse_lowrank(const std::string &spec) {
  const std::string prefix = "synthetic:lowrank";
  if (spec.rfind(prefix, 0) != 0) throw InputError(spec + ": unknown synthetic source (expected synthetic:lowrank?n=...&d=...)");
  LowRankSpec s;
  std::string rest = spec.substr(prefix.size());
  if (rest.empty()) return s;
  if (rest[0] != '?') throw InputError(spec + ": expected '?' after synthetic:lowrank");
  std::stringstream ss(rest.substr(1));
  std::string kv;
  while (std::getline(ss, kv, '&')) {
    auto eq = kv.find('=');
    if (eq == std::string::npos) throw InputError(spec + ": '" + kv + "' is not key=value");
    std::string key = kv.substr(0, eq), value = kv.substr(eq + 1);
    size_t used = 0;
    double v = 0;
    try {
      v = std::stod(value, &used);
    } catch (...) {
      used = 0;
    }
    if (used != value.size() || value.empty()) throw InputError(spec + ": " + key + "=" + value + " is not a number");
    auto whole = [&](int64_t lo) {
      if (v != static_cast<double>(static_cast<int64_t>(v)) || v < static_cast<double>(lo))
        throw InputError(spec + ": " + key + " must be an integer >= " + std::to_string(lo));
      return static_cast<int64_t>(v);
    };
    if (key == "n") s.n = whole(1);
    else if (key == "d") s.d = whole(1);
    else if (key == "rank") s.rank = whole(1);
    else if (key == "noise") {
      if (v < 0) throw InputError(spec + ": noise must be >= 0");
      s.noise = v;
    } else if (key == "seed") s.seed = static_cast<uint64_t>(whole(0));
    else if (key == "sample") s.sample = static_cast<uint64_t>(whole(0));
    else throw InputError(spec + ": unknown parameter '" + key + "' (expected n, d, rank, noise, seed, sample)");
  }
  if (s.rank > s.d) throw InputError(spec + ": rank " + std::to_string(s.rank) + " exceeds d " + std::to_string(s.d));
  if (s.n * s.d > (int64_t(1) << 31)) throw InputError(spec + ": n * d is too large for memory");
  return s;
}

Eigen::MatrixXd lowrank_basis(const LowRankSpec &s) {
  std::mt19937_64 rng(s.seed);
  std::normal_distribution<double> normal;
  Eigen::MatrixXd a(s.d, s.rank);
  for (Eigen::Index i = 0; i < a.size(); ++i) a.data()[i] = normal(rng);
  Eigen::HouseholderQR<Eigen::MatrixXd> qr(a);
  return qr.householderQ() * Eigen::MatrixXd::Identity(s.d, s.rank);
}

Dataset synthetic_dataset(const std::string &spec) {
  LowRankSpec s = parse_lowrank(spec);
  Eigen::MatrixXd u = lowrank_basis(s);
  std::mt19937_64 rng(s.seed * 1000003ULL + 7919ULL * (s.sample + 1));
  std::normal_distribution<double> normal;
  Eigen::VectorXd scale(s.rank);
  for (int64_t r = 0; r < s.rank; ++r) scale[r] = s.rank == 1 ? 3.0 : 3.0 - 2.0 * double(r) / double(s.rank - 1);
  Dataset d;
  d.n = s.n;
  d.width = s.d;
  d.values.resize(size_t(s.n * s.d));
  Eigen::VectorXd g(s.rank);
  for (int64_t i = 0; i < s.n; ++i) {
    for (int64_t r = 0; r < s.rank; ++r) g[r] = scale[r] * normal(rng);
    Eigen::VectorXd x = u * g;
    for (int64_t j = 0; j < s.d; ++j) d.values[size_t(i * s.d + j)] = static_cast<float>(x[j] + s.noise * normal(rng));
  }
  std::ostringstream os;
  os << "synthetic:lowrank (n=" << s.n << ", d=" << s.d << ", rank=" << s.rank << ", noise=" << s.noise << ", seed=" << s.seed
     << ", sample=" << s.sample << ")";
  d.description = os.str();
  return d;
}

} // namespace aec::runtime
