#include "runtime/executor.h"
#include "runtime/kernel_calls.h"
#include "runtime/work_sharing.h"

#include <stdexcept>

namespace aec::runtime {

driver::Options kernel_options(int64_t batch, int threads, KernelVariant variant) {
  driver::Options o;
  o.passes.batch = batch;
  o.codegen.threads = threads;
  o.codegen.minimum_shared_work = minimum_shared_work();
  o.codegen.symbols = kernel_calls();
  o.codegen.profile = variant.profile;
  o.codegen.bfloat16_products = variant.bfloat16_products;
  return o;
}

using codegen::BufferRole;

namespace {
// Shared params are bound to the caller's storage; planned buffers live in workspace blocks.
bool has_own_memory(const codegen::Buffer &b) { return b.block < 0 && !(b.role == BufferRole::Param && !b.batched); }
int64_t floats_of(int64_t numel, bool batched, int64_t max_batch) { return numel * (batched ? max_batch : 1); }
} // namespace

std::vector<Executor::Allocation> Executor::allocations(const codegen::Kernel &kernel, int64_t max_batch) {
  const codegen::Schedule &s = kernel.schedule();
  std::vector<Allocation> out;
  for (const codegen::Block &blk : s.blocks) out.push_back({floats_of(blk.numel, blk.batched, max_batch), -1});
  for (const codegen::Buffer &b : s.buffers) {
    if (b.block >= 0) {
      Allocation &a = out[size_t(b.block)];
      if (a.node < 0 || b.numel > kernel.graph().shape(a.node).numel()) a.node = b.node;
    } else if (has_own_memory(b)) {
      out.push_back({floats_of(b.numel, b.batched, max_batch), b.node});
    }
  }
  return out;
}

Executor::Executor(const codegen::Kernel &kernel, int64_t max_batch) : kernel_(kernel), max_batch_(max_batch) {
  const codegen::Schedule &s = kernel.schedule();
  auto floats = [&](int64_t numel, bool batched) { return static_cast<size_t>(floats_of(numel, batched, max_batch)); };
  // The planned workspace: computed buffers that are not outputs share these blocks.
  std::vector<float *> block_data;
  for (const codegen::Block &blk : s.blocks) {
    owned_.emplace_back(floats(blk.numel, blk.batched), 0.0f);
    block_data.push_back(owned_.back().data());
  }
  slots_.assign(s.buffers.size(), nullptr);
  for (size_t k = 0; k < s.buffers.size(); ++k) {
    const codegen::Buffer &b = s.buffers[k];
    if (b.block >= 0) {
      slots_[k] = block_data[static_cast<size_t>(b.block)];
      continue;
    }
    if (!has_own_memory(b)) continue; // a shared param, bound later
    owned_.emplace_back(floats(b.numel, b.batched), 0.0f);
    slots_[k] = owned_.back().data();
    if (b.role == BufferRole::Noise) noise_.push_back({&kernel.graph().node(b.node), slots_[k]});
  }
}

void Executor::bind_param(const std::string &name, float *data) {
  const auto &buffers = kernel_.schedule().buffers;
  for (size_t k = 0; k < buffers.size(); ++k)
    if (buffers[k].role == BufferRole::Param && !buffers[k].batched && kernel_.graph().node(buffers[k].node).attr.name == name)
      slots_[k] = data;
}

float *Executor::per_sample_param(const std::string &name) {
  const auto &buffers = kernel_.schedule().buffers;
  for (size_t k = 0; k < buffers.size(); ++k)
    if (buffers[k].role == BufferRole::Param && buffers[k].batched && kernel_.graph().node(buffers[k].node).attr.name == name)
      return slots_[k];
  return nullptr;
}

float *Executor::input(const std::string &name) {
  const auto &buffers = kernel_.schedule().buffers;
  for (size_t k = 0; k < buffers.size(); ++k)
    if (buffers[k].role == BufferRole::Input && kernel_.graph().node(buffers[k].node).attr.name == name) return slots_[k];
  return nullptr; // a graph that never reads this input (e.g. a gradient that does not depend on it)
}

void Executor::run(int64_t batch) {
  if (batch < 1 || batch > max_batch_) throw std::invalid_argument("batch size out of range");
  for (size_t k = 0; k < slots_.size(); ++k)
    if (!slots_[k]) throw std::logic_error("param buffer not bound before run");
  kernel_.run(slots_.data(), batch);
}

const float *Executor::output(const std::string &name) const {
  int slot = kernel_.output_slot(name);
  if (slot < 0) throw std::invalid_argument("the kernel has no output " + name);
  return slots_[static_cast<size_t>(slot)];
}

} // namespace aec::runtime
