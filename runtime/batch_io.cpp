#include "runtime/batch_io.h"
#include "source/diagnostics.h"

#include <algorithm>

namespace aec::runtime {

// Shared params are read in place; `per sample` ones are gathered row by row for each batch.
void bind_shared_params(Executor &ex, const Model &m, ParamStore &params) {
  for (const ParamInfo &p : m.params)
    if (!p.per_sample) ex.bind_param(p.name, params[p.name].data());
}

// The samples order[start, start + count) and their rows of every per-sample param.
void load_batch(Executor &ex, const Model &m, const Dataset &d, ParamStore &params, const std::vector<int64_t> &order, int64_t start,
                int64_t count) {
  for (const InputInfo &in : m.inputs) {
    float *dst = ex.input(in.name);
    if (!dst) continue; // not read by this kernel
    std::optional<InputColumns> cols = d.columns(in.name, &in == &m.inputs.front());
    if (!cols) throw InputError("input " + in.name + " has no data: bind it with --data " + in.name + "=SOURCE");
    for (int64_t k = 0; k < count; ++k) d.read(order[size_t(start + k)], cols->offset, cols->width, dst + k * cols->width);
  }
  for (const ParamInfo &p : m.params) {
    if (!p.per_sample) continue;
    float *dst = ex.per_sample_param(p.name);
    if (!dst) continue;
    const int64_t w = p.shape.numel();
    const float *rows = params[p.name].data();
    for (int64_t k = 0; k < count; ++k) std::copy_n(rows + order[size_t(start + k)] * w, w, dst + k * w);
  }
}

void NoiseDraws::draw(const ir::Node &noise, float *out, int64_t count) {
  switch (noise.op) {
  case ir::Op::RandN:
    for (int64_t i = 0; i < count; ++i) out[i] = normal(rng);
    break;
  case ir::Op::RandU:
    for (int64_t i = 0; i < count; ++i) out[i] = unit(rng);
    break;
  default: {
    float p = static_cast<float>(noise.attr.value);
    for (int64_t i = 0; i < count; ++i) out[i] = unit(rng) < p ? 1.0f : 0.0f;
  }
  }
}

void draw_noise(Executor &ex, int64_t batch, std::mt19937_64 &rng) {
  NoiseDraws draws{rng};
  for (auto &nb : ex.noise()) draws.draw(*nb.node, nb.data, nb.node->shape.numel() * batch);
}

// Noise at its expected value: evaluation outside training.
void mean_noise(Executor &ex, int64_t batch) {
  for (auto &nb : ex.noise()) {
    float v = nb.node->op == ir::Op::RandU ? 0.5f : nb.node->op == ir::Op::Bernoulli ? float(nb.node->attr.value) : 0.0f;
    std::fill_n(nb.data, nb.node->shape.numel() * batch, v);
  }
}

} // namespace aec::runtime
