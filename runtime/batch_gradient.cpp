#include "runtime/batch_gradient.h"
#include "runtime/tree_sum.h"

#include <algorithm>
#include <chrono>
#include <cstring>

namespace aec::runtime {

StepComputer::StepComputer(const Model &m, Executor &ex, const World &world, int64_t batch)
    : m_(m), ex_(ex), world_(world), chunk_(chunk_samples(batch)) {
  for (const ParamInfo &p : m_.params) {
    offset_.push_back(length_);
    if (!p.per_sample) length_ += p.shape.numel();
  }
}

int64_t StepComputer::chunk_samples(int64_t batch) {
  return std::max(std::min<int64_t>(128, std::max<int64_t>(32, (batch + 7) / 8)), (batch + 255) / 256);
}

BatchGradient StepComputer::compute(const Dataset &d, ParamStore &params, const std::vector<int64_t> &order, int64_t start, int64_t count,
                                    std::mt19937_64 &rng) {
  if (world_.data_parallel()) return distributed(d, params, order, start, count, rng);
  load_batch(ex_, m_, d, params, order, start, count);
  draw_noise(ex_, count, rng);
  ex_.run(count);
  BatchGradient g{ex_.output("loss")[0], {}};
  for (const ParamInfo &p : m_.params) g.grad.push_back(ex_.output("grad." + p.name));
  return g;
}

void StepComputer::reload_batch(const Dataset &d, ParamStore &params, const std::vector<int64_t> &order, int64_t start, int64_t count) {
  if (!world_.data_parallel()) return; // the executor holds it
  load_batch(ex_, m_, d, params, order, start, count);
  for (size_t k = 0; k < noise_.size(); ++k) std::copy(noise_[k].begin(), noise_[k].end(), ex_.noise()[k].data);
}

BatchGradient StepComputer::distributed(const Dataset &d, ParamStore &params, const std::vector<int64_t> &order, int64_t start,
                                        int64_t count, std::mt19937_64 &rng) {
  // The whole batch's noise, drawn as one process would, so each chunk takes its samples' draws.
  noise_.resize(ex_.noise().size());
  NoiseDraws draws{rng};
  for (size_t k = 0; k < noise_.size(); ++k) {
    noise_[k].resize(size_t(ex_.noise()[k].node->shape.numel() * count));
    draws.draw(*ex_.noise()[k].node, noise_[k].data(), int64_t(noise_[k].size()));
  }
  const int64_t q = chunk_, chunks = (count + q - 1) / q;
  const Range mine = share_of(chunks, world_.rank(), world_.size());
  rows_.resize(m_.params.size());
  for (size_t k = 0; k < m_.params.size(); ++k)
    if (m_.params[k].per_sample) rows_[k].resize(size_t(m_.params[k].shape.numel() * count)); // (a process may hold no chunk)
  // Chunk c's weighted gradients, written where the sum asks for them (no vector per chunk).
  auto run_chunk = [&](int64_t c, float *sum) {
    const auto start_time = std::chrono::steady_clock::now();
    const int64_t first = c * q, n = std::min(q, count - first);
    load_batch(ex_, m_, d, params, order, start + first, n);
    for (size_t k = 0; k < noise_.size(); ++k) {
      const int64_t numel = ex_.noise()[k].node->shape.numel();
      std::copy_n(noise_[k].data() + first * numel, n * numel, ex_.noise()[k].data);
    }
    ex_.run(n);
    // The chunk's share of the batch's mean: its mean times n / count.
    const float weight = static_cast<float>(double(n) / double(count));
    for (size_t k = 0; k < m_.params.size(); ++k) {
      const ParamInfo &p = m_.params[k];
      const float *grad = ex_.output("grad." + p.name);
      const int64_t numel = p.shape.numel();
      float *to = p.per_sample ? rows_[k].data() + first * numel : sum + offset_[k];
      const int64_t floats = p.per_sample ? numel * n : numel;
      for (int64_t i = 0; i < floats; ++i) to[i] = weight * grad[i];
    }
    sum[length_] = weight * ex_.output("loss")[0];
    chunk_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start_time).count();
  };
  shared_.resize(size_t(length_ + 1)); // (the sum writes every entry)
  world_.tree_sum(chunks, length_ + 1, run_chunk, shared_.data());

  // Per-sample rows: each process computed its chunks' samples; every process gets all of them.
  const int64_t first_sample = std::min(count, mine.first * q), end_sample = std::min(count, mine.end * q);
  for (size_t k = 0; k < m_.params.size(); ++k) {
    const ParamInfo &p = m_.params[k];
    if (!p.per_sample) continue;
    const int64_t numel = p.shape.numel();
    std::string own(reinterpret_cast<const char *>(rows_[k].data() + first_sample * numel),
                    size_t((end_sample - first_sample) * numel) * sizeof(float));
    int64_t at = 0;
    for (const std::string &theirs : world_.all_gather(own)) {
      std::memcpy(rows_[k].data() + at, theirs.data(), theirs.size());
      at += int64_t(theirs.size() / sizeof(float));
    }
  }
  BatchGradient g{shared_[size_t(length_)], {}};
  for (size_t k = 0; k < m_.params.size(); ++k) g.grad.push_back(m_.params[k].per_sample ? rows_[k].data() : shared_.data() + offset_[k]);
  return g;
}

} // namespace aec::runtime
