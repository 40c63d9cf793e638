#include "runtime/batch_gradient.h"
#include "runtime/tree_sum.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <stdexcept>

namespace aec::runtime {

namespace {
double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// to = weight * value, or with `add` to += weight * value (the product rounded first: the bits
// of writing it and adding it after, tree_sum.h), over n floats.
void weigh(float weight, const float *value, int64_t n, float *to, bool add) {
  if (add)
    for (int64_t i = 0; i < n; ++i) to[i] += static_cast<float>(weight * value[i]);
  else
    for (int64_t i = 0; i < n; ++i) to[i] = weight * value[i];
}
} // namespace

StepComputer::StepComputer(const Model &m, Executor &ex, const World &world, int64_t batch, ChunkedStatistics *statistics)
    : m_(m), ex_(ex), world_(world), statistics_(statistics), chunk_(chunk_samples(batch)) {
  for (const ParamInfo &p : m_.params) {
    offset_.push_back(length_);
    if (!p.per_sample) length_ += p.shape.numel();
  }
  if (world.data_parallel() && !m.batch_statistics.empty() && !statistics)
    throw std::logic_error("a data-parallel step of a model with batch statistics needs its ChunkedStatistics");
}

int64_t StepComputer::chunk_samples(int64_t batch) {
  return std::max(std::min<int64_t>(128, std::max<int64_t>(32, (batch + 7) / 8)), (batch + 255) / 256);
}

BatchGradient StepComputer::compute(const Dataset &d, ParamStore &params, const std::vector<int64_t> &order, int64_t start, int64_t count,
                                    std::mt19937_64 &rng) {
  if (world_.data_parallel()) return distributed({d, params, order, start, count}, rng);
  const auto gather_start = std::chrono::steady_clock::now();
  load_batch(ex_, m_, d, params, order, start, count);
  draw_noise(ex_, count, rng);
  gather_seconds_ += seconds_since(gather_start);
  ex_.run(count);
  BatchGradient g{ex_.output("loss")[0], {}, {}};
  for (const ParamInfo &p : m_.params) g.grad.push_back(ex_.output("grad." + p.name));
  for (const BatchStatistic &s : m_.batch_statistics) g.statistics.push_back(ex_.output("stat." + s.name));
  return g;
}

void StepComputer::reload_batch(const Dataset &d, ParamStore &params, const std::vector<int64_t> &order, int64_t start, int64_t count) {
  if (!world_.data_parallel()) return; // the executor holds it
  load_batch(ex_, m_, d, params, order, start, count);
  for (size_t k = 0; k < noise_.size(); ++k) std::copy(noise_[k].begin(), noise_[k].end(), ex_.noise()[k].data);
}

int64_t StepComputer::run_chunk(Executor &ex, const Batch &b, int64_t c) {
  const int64_t first = c * chunk_, n = std::min(chunk_, b.count - first);
  const auto gather_start = std::chrono::steady_clock::now();
  load_batch(ex, m_, b.d, b.params, b.order, b.start + first, n);
  for (const Executor::NoiseBuffer &to : ex.noise()) { // the chunk's samples' draws of the batch's noise
    const std::vector<float> &drawn = noise_[noise_index(*to.node)];
    const int64_t numel = to.node->shape.numel();
    std::copy_n(drawn.data() + first * numel, n * numel, to.data);
  }
  gather_seconds_ += seconds_since(gather_start);
  ex.run(n);
  return n;
}

size_t StepComputer::noise_index(const ir::Node &noise) const {
  for (size_t k = 0; k < ex_.noise().size(); ++k) {
    const ir::Node &drawn = *ex_.noise()[k].node;
    if (drawn.op == noise.op && drawn.attr.id == noise.attr.id) return k;
  }
  throw std::logic_error("a chunk's kernel reads noise that the training step does not draw");
}

void StepComputer::sum_over_chunks(Executor &ex, const Batch &b, const std::vector<ChunkOutput> &outputs, int64_t length, float *sum) {
  const int64_t chunks = (b.count + chunk_ - 1) / chunk_;
  auto leaf = [&](int64_t c, float *to, bool add) {
    // The chunk's share of the batch's mean: its mean times n / count.
    const float weight = static_cast<float>(double(run_chunk(ex, b, c)) / double(b.count));
    const auto weigh_start = std::chrono::steady_clock::now();
    for (const ChunkOutput &o : outputs) weigh(weight, ex.output(o.name), o.numel, to + o.offset, add);
    weigh_seconds_ += seconds_since(weigh_start);
  };
  sum_tree(chunks, length, leaf, sum);
}

void StepComputer::sum_tree(int64_t chunks, int64_t length, const TreeLeaf &leaf, float *out) {
  const double leaves = chunk_seconds_, mpi = world_.communication_seconds();
  const auto start = std::chrono::steady_clock::now();
  world_.tree_sum(
      chunks, length,
      [&](int64_t c, float *to, bool add) {
        const auto leaf_start = std::chrono::steady_clock::now();
        leaf(c, to, add);
        chunk_seconds_ += seconds_since(leaf_start);
      },
      out);
  tree_seconds_ += seconds_since(start) - (chunk_seconds_ - leaves) - (world_.communication_seconds() - mpi);
}

BatchGradient StepComputer::distributed(const Batch &b, std::mt19937_64 &rng) {
  const int64_t count = b.count;
  // The whole batch's noise, drawn as one process would, so each chunk takes its samples' draws.
  const auto draw_start = std::chrono::steady_clock::now();
  noise_.resize(ex_.noise().size());
  NoiseDraws draws{rng};
  for (size_t k = 0; k < noise_.size(); ++k) {
    noise_[k].resize(size_t(ex_.noise()[k].node->shape.numel() * count));
    draws.draw(*ex_.noise()[k].node, noise_[k].data(), int64_t(noise_[k].size()));
  }
  gather_seconds_ += seconds_since(draw_start);
  if (statistics_)
    statistics_->compute([&](Executor &ex, const std::vector<ChunkOutput> &outputs, int64_t length, float *sum) {
      sum_over_chunks(ex, b, outputs, length, sum);
    });
  const int64_t q = chunk_, chunks = (count + q - 1) / q;
  const Range mine = share_of(chunks, world_.rank(), world_.size());
  rows_.resize(m_.params.size());
  for (size_t k = 0; k < m_.params.size(); ++k)
    if (m_.params[k].per_sample) rows_[k].resize(size_t(m_.params[k].shape.numel() * count)); // (a process may hold no chunk)
  // Chunk c's weighted gradients, written where the sum asks for them (no vector per chunk).
  auto step_chunk = [&](int64_t c, float *sum, bool add) {
    const int64_t first = c * q, n = run_chunk(ex_, b, c);
    // The chunk's share of the batch's mean: its mean times n / count.
    const float weight = static_cast<float>(double(n) / double(count));
    const auto weigh_start = std::chrono::steady_clock::now();
    for (size_t k = 0; k < m_.params.size(); ++k) {
      const ParamInfo &p = m_.params[k];
      const float *grad = ex_.output("grad." + p.name);
      const int64_t numel = p.shape.numel();
      if (p.per_sample) weigh(weight, grad, numel * n, rows_[k].data() + first * numel, false); // the chunk's own rows: never summed
      else weigh(weight, grad, numel, sum + offset_[k], add);
    }
    weigh(weight, ex_.output("loss"), 1, sum + length_, add);
    weigh_seconds_ += seconds_since(weigh_start);
  };
  shared_.resize(size_t(length_ + 1)); // (the sum writes every entry)
  sum_tree(chunks, length_ + 1, step_chunk, shared_.data());

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
  BatchGradient g{shared_[size_t(length_)], {}, {}};
  for (size_t k = 0; k < m_.params.size(); ++k) g.grad.push_back(m_.params[k].per_sample ? rows_[k].data() : shared_.data() + offset_[k]);
  for (size_t k = 0; k < m_.batch_statistics.size(); ++k) g.statistics.push_back(statistics_->value(k));
  return g;
}

} // namespace aec::runtime
