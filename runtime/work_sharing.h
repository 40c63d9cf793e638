// Running a kernel's loops over samples and its runtime calls (GEMMs, per-sample GEMMs,
// inverses) on several cores. Work is cut into more chunks than threads, the same cut for any
// team size (so every thread count gives the same bits), and handed out one chunk at a time, so a
// core that another process holds slows its own thread down without stalling the others: the run
// degrades towards one core's speed instead of collapsing, as a static split (OpenBLAS's own
// threading) does when one of its threads is descheduled.
#pragma once
#include <cstdint>
#include <functional>

namespace aec::runtime {

// The team size for runtime calls made by the calling thread (1: everything on this thread).
// Each thread has its own, so independent models may use different counts at the same time.
void set_team_size(int threads);
int team_size();

// Calls body(begin, end) over [0, count) in chunks of `grain` (the last may be shorter), on up
// to team_size() threads including the caller; returns when every chunk is done. When another
// team holds the helper threads, the caller does all the chunks itself.
void share_work(int64_t count, int64_t grain, const std::function<void(int64_t, int64_t)> &body);

// `count` independent items (per-sample products, inverses, convolutions) of `work` multiply-adds
// each, on the team when there is enough work; each item is computed alone, so any split gives the
// same bits.
void share_items(int64_t count, int64_t work, const std::function<void(int64_t, int64_t)> &each);

// Multiply-adds below which a runtime call stays on the calling thread (a loop over samples
// counts 16 per float it writes): waking helpers costs microseconds. Tests set 0 to share
// everything.
int64_t minimum_shared_work();
void set_minimum_shared_work(int64_t multiply_adds);

// The number of cores this process may run on (its CPU affinity).
int available_cores();
// The team a `threads` option asks for: itself, or every available core for 0.
inline int team_for(int threads) { return threads < 1 ? available_cores() : threads; }

} // namespace aec::runtime
