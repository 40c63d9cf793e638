#include "runtime/onednn_context.h"

extern "C" void omp_set_num_threads(int);

namespace aec::runtime::onednn {

ThreadContext::ThreadContext() { omp_set_num_threads(1); }

ThreadContext &context() {
  thread_local ThreadContext c;
  return c;
}

} // namespace aec::runtime::onednn
