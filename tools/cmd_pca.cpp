// aec pca --data D --k N: singular values, explained variance and the Eckart–Young error.
#include "commands.h"
#include "source/diagnostics.h"

#include <cstdio>

namespace aec::cli {

int cmd_pca(const std::vector<std::string> &argv) {
  Args a(argv, {"data", "k"}, {"center"});
  if (!a.positional().empty()) throw InputError("aec pca takes no positional arguments");
  if (!a.has("data")) throw InputError("aec pca needs --data");
  if (!a.has("k")) throw InputError("aec pca needs --k");
  int64_t k = *a.get_int("k", 1);
  Dataset d = load_data(*a.get("data"));
  if (k > d.width) throw InputError("--k " + std::to_string(k) + ": the data has only " + std::to_string(d.width) + " dimensions");
  if (a.has("center")) runtime::center_in_place(d);
  runtime::Spectrum s = aec::spectrum(d);
  std::printf("%s%s\n", d.description.c_str(), a.has("center") ? ", centered" : "");
  std::printf("%4s  %14s  %12s\n", "i", "singular value", "cumulative");
  for (int64_t i = 0; i < std::min<int64_t>(k, s.singular_values.size()); ++i)
    std::printf("%4lld  %14.6g  %11.4f%%\n", static_cast<long long>(i + 1), s.singular_values[i], 100 * s.explained_variance(i + 1));
  std::printf("explained variance of the top %lld: %.4f%%\n", static_cast<long long>(k), 100 * s.explained_variance(k));
  std::printf("Eckart-Young optimum (mean squared error of the best rank-%lld reconstruction): %.6g\n", static_cast<long long>(k),
              s.optimal_error(k));
  return 0;
}

} // namespace aec::cli
