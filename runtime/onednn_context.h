// The oneDNN engine and stream of the calling thread, whose oneDNN parallel regions get one
// thread (GNU OpenMP, which Debian's oneDNN is built on): aec's own work sharing stays in charge,
// so a busy core only slows its own share.
#pragma once
#include <dnnl.hpp>

namespace aec::runtime::onednn {

struct ThreadContext {
  ThreadContext();
  dnnl::engine engine{dnnl::engine::kind::cpu, 0};
  dnnl::stream stream{engine};
};

// This thread's context, made on first use.
ThreadContext &context();

} // namespace aec::runtime::onednn
