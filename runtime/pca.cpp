#include "runtime/pca.h"
#include "runtime/mapped_samples.h"
#include "runtime/world.h"

#include <algorithm>
#include <cmath>

namespace aec::runtime {

double Spectrum::optimal_error(int64_t k) const {
  double s = 0;
  for (Eigen::Index i = k; i < singular_values.size(); ++i) s += singular_values[i] * singular_values[i];
  return s / double(n);
}

double Spectrum::explained_variance(int64_t k) const {
  double top = 0, all = singular_values.squaredNorm();
  for (Eigen::Index i = 0; i < std::min<Eigen::Index>(k, singular_values.size()); ++i) top += singular_values[i] * singular_values[i];
  return all > 0 ? top / all : 0;
}

Spectrum spectrum(const Dataset &d, const InputColumns &c) {
  const int64_t blocks = (d.n + kGramBlock - 1) / kGramBlock;
  Eigen::MatrixXf x(c.width, kGramBlock), gram_f(c.width, c.width);
  MappedSamples::SequentialPass pass(d.mapped.get()); // (each process reads its blocks in order)
  // A block's Gram matrix is made where the sum asks for it.
  World::get().tree_sum(blocks, c.width * c.width,
                        written_leaf(
                            [&](int64_t b, float *to) {
                              const int64_t start = b * kGramBlock, len = std::min(kGramBlock, d.n - start);
                              for (int64_t i = 0; i < len; ++i) d.read(start + i, c.offset, c.width, x.col(i).data());
                              Eigen::Map<Eigen::MatrixXf>(to, c.width, c.width).noalias() = x.leftCols(len) * x.leftCols(len).transpose();
                            },
                            c.width * c.width),
                        gram_f.data());
  Eigen::MatrixXd gram = gram_f.cast<double>();
  Eigen::BDCSVD<Eigen::MatrixXd> svd(gram, Eigen::ComputeFullU);
  Spectrum s;
  s.n = d.n;
  s.singular_values = svd.singularValues().cwiseMax(0.0).cwiseSqrt();
  s.directions = svd.matrixU();
  return s;
}

Spectrum spectrum(const Dataset &d) { return spectrum(d, {"", 0, d.width}); }

PcaCheck check_pca(const Spectrum &s, const float *b, int64_t width, int64_t k) {
  Eigen::MatrixXd basis = Eigen::Map<const Eigen::MatrixXf>(b, width, k).cast<double>();
  Eigen::HouseholderQR<Eigen::MatrixXd> qr(basis);
  Eigen::MatrixXd q = qr.householderQ() * Eigen::MatrixXd::Identity(width, k);
  Eigen::MatrixXd top = s.directions.leftCols(k);
  // cosines of the principal angles are the singular values of Q' U_k
  Eigen::JacobiSVD<Eigen::MatrixXd> svd(q.transpose() * top);
  PcaCheck r;
  r.angles_deg.resize(k);
  for (int64_t i = 0; i < k; ++i) r.angles_deg[i] = std::acos(std::clamp(svd.singularValues()[i], -1.0, 1.0)) * 180.0 / M_PI;
  r.max_angle_deg = r.angles_deg.maxCoeff();
  // A rank-deficient B spans fewer than k directions: that shows as 90 degrees.
  Eigen::JacobiSVD<Eigen::MatrixXd> bs(basis);
  if (bs.singularValues().minCoeff() <= 1e-7 * std::max(1.0, bs.singularValues().maxCoeff())) r.max_angle_deg = 90.0;
  r.optimal_error = s.optimal_error(k);
  return r;
}

} // namespace aec::runtime
