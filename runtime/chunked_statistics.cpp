#include "runtime/chunked_statistics.h"

#include <algorithm>

namespace aec::runtime {

namespace {
std::string cotangent_of(const BatchStatistic &s) { return "cotangent." + s.name; }
} // namespace

driver::Request ChunkedStatistics::step_request(const Model &m) {
  driver::Request r = driver::Request::training_step();
  r.statistics = driver::Statistics::Chunked;
  r.outputs = {"loss"};
  for (const ParamInfo &p : m.params) r.outputs.push_back("grad." + p.name);
  return r;
}

ChunkedStatistics::ChunkedStatistics(const Model &m, int64_t chunk, int threads, KernelVariant variant) : m_(m), chunk_(chunk) {
  int levels = 0;
  for (const BatchStatistic &s : m.batch_statistics) levels = std::max(levels, s.level);
  auto add_pass = [&](int level, bool cotangents) {
    Pass p;
    p.cotangents = cotangents;
    driver::Request r = driver::Request::forward(cotangents ? "statistic_cotangents" : "statistic_values", {});
    r.gradients = cotangents;
    r.statistics = driver::Statistics::Chunked;
    for (size_t k = 0; k < m.batch_statistics.size(); ++k) {
      const BatchStatistic &s = m.batch_statistics[k];
      if (s.level != level) continue;
      p.statistics.push_back(k);
      p.outputs.push_back({(cotangents ? "grad." : "stat_mean.") + s.name, p.length, s.shape.numel()});
      r.outputs.push_back(p.outputs.back().name);
      p.length += s.shape.numel();
    }
    if (p.statistics.empty()) return;
    p.kernel = driver::compile(m, r, kernel_options(chunk, threads, variant));
    passes_.push_back(std::move(p));
  };
  for (int level = 1; level <= levels; ++level) add_pass(level, false);
  for (int level = levels; level >= 1; --level) add_pass(level, true);
  for (const BatchStatistic &s : m.batch_statistics) {
    values_.emplace_back(size_t(s.shape.numel()), 0.0f);
    cotangents_.emplace_back(size_t(s.shape.numel()), 0.0f);
  }
}

void ChunkedStatistics::bind(Executor &ex, ParamStore &params) {
  auto bind_statistics = [&](Executor &to) {
    for (size_t k = 0; k < m_.batch_statistics.size(); ++k) {
      to.bind_param(m_.batch_statistics[k].name, values_[k].data());
      to.bind_param(cotangent_of(m_.batch_statistics[k]), cotangents_[k].data());
    }
  };
  bind_statistics(ex);
  for (Pass &p : passes_) {
    if (!p.ex) p.ex.emplace(*p.kernel, chunk_); // allocated here, after the run's memory plan is checked
    bind_statistics(*p.ex);
    bind_shared_params(*p.ex, m_, params);
  }
}

void ChunkedStatistics::compute(const SumOverChunks &sum_over_chunks) {
  for (std::vector<float> &c : cotangents_) std::fill(c.begin(), c.end(), 0.0f); // the highest level's are zero
  for (Pass &p : passes_) {
    sum_.resize(size_t(p.length));
    sum_over_chunks(*p.ex, p.outputs, p.length, sum_.data());
    for (size_t i = 0; i < p.statistics.size(); ++i) {
      std::vector<float> &to = (p.cotangents ? cotangents_ : values_)[p.statistics[i]];
      std::copy_n(sum_.data() + p.outputs[i].offset, p.outputs[i].numel, to.data());
    }
  }
}

std::vector<const codegen::Kernel *> ChunkedStatistics::kernels() const {
  std::vector<const codegen::Kernel *> out;
  for (const Pass &p : passes_) out.push_back(p.kernel.get());
  return out;
}

} // namespace aec::runtime
