#include "runtime/work_sharing.h"

#include <sched.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

namespace aec::runtime {

namespace {

thread_local int t_team_size = 1;
std::atomic<int64_t> g_minimum_shared_work{int64_t(1) << 20};

// One parallel call: its chunks, handed out by an atomic counter, and how many are done.
struct Job {
  const std::function<void(int64_t)> *chunk;
  int64_t chunks;
  int helpers; // helper threads that may join
  std::atomic<int64_t> next{0}, done{0};

  int64_t work() {
    int64_t n = 0;
    for (int64_t c; (c = next.fetch_add(1)) < chunks; ++n) (*chunk)(c);
    return n;
  }
};

// Spins for about `iterations` pause instructions while `waiting()` holds; false when it still
// does. Kernels call the pool many times per training step, and a helper that sleeps between
// two calls costs tens of microseconds to wake: short spins bridge the gaps.
template <class F> bool spin_while(F waiting, int iterations = 4000) {
  for (int i = 0; i < iterations; ++i) {
    if (!waiting()) return true;
    __builtin_ia32_pause();
  }
  return !waiting();
}

// Helper threads, started on first use and kept for the life of the process. One job at a time:
// a job claims the pool with try_lock, so two teams never wait on each other.
class Pool {
public:
  static Pool &instance() {
    static Pool *pool = new Pool; // never destroyed: detached helpers wait on it to the end
    return *pool;
  }

  bool try_run(int helpers, int64_t chunks, const std::function<void(int64_t)> &chunk) {
    std::unique_lock<std::mutex> claim(job_mutex_, std::try_to_lock);
    if (!claim.owns_lock()) return false;
    auto job = std::make_shared<Job>();
    job->chunk = &chunk;
    job->chunks = chunks;
    job->helpers = helpers;
    {
      std::lock_guard<std::mutex> lk(m_);
      while (int(threads_) < helpers) start_helper(int(threads_++));
      job_ = job;
      published_.fetch_add(1);
    }
    wake_.notify_all();
    job->done.fetch_add(job->work());
    if (!spin_while([&] { return job->done.load() < job->chunks; })) {
      std::unique_lock<std::mutex> lk(m_);
      finished_.wait(lk, [&] { return job->done.load() == job->chunks; });
    }
    std::lock_guard<std::mutex> lk(m_);
    job_.reset();
    return true;
  }

private:
  std::mutex job_mutex_, m_;
  std::condition_variable wake_, finished_;
  size_t threads_ = 0;
  std::shared_ptr<Job> job_;           // the current job, under m_
  std::atomic<uint64_t> published_{0}; // jobs published so far

  void start_helper(int index) {
    std::thread([this, index] {
      std::shared_ptr<Job> last; // kept alive, so a new job never shares its address
      uint64_t seen = 0;
      for (;;) {
        spin_while([&] { return published_.load() == seen; });
        std::shared_ptr<Job> job;
        {
          std::unique_lock<std::mutex> lk(m_);
          wake_.wait(lk, [&] { return job_ && job_ != last && index < job_->helpers; });
          job = last = job_;
          seen = published_.load();
        }
        int64_t mine = job->work(); // a job already finished has no chunks left to hand out
        if (job->done.fetch_add(mine) + mine == job->chunks) {
          std::lock_guard<std::mutex> lk(m_);
          finished_.notify_all();
        }
      }
    }).detach();
  }
};

} // namespace

int64_t minimum_shared_work() { return g_minimum_shared_work.load(std::memory_order_relaxed); }
void set_minimum_shared_work(int64_t multiply_adds) { g_minimum_shared_work = multiply_adds; }

void set_team_size(int threads) { t_team_size = threads < 1 ? 1 : threads; }
int team_size() { return t_team_size; }

int available_cores() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) != 0) return 1;
  int n = CPU_COUNT(&set);
  return n < 1 ? 1 : n;
}

void share_work(int64_t count, int64_t grain, const std::function<void(int64_t, int64_t)> &body) {
  if (count <= 0) return;
  if (grain < 1) grain = 1;
  const int64_t chunks = (count + grain - 1) / grain;
  const int helpers = int(std::min<int64_t>(t_team_size, chunks)) - 1;
  std::function<void(int64_t)> chunk = [&](int64_t c) { body(c * grain, std::min(count, (c + 1) * grain)); };
  if (helpers > 0 && Pool::instance().try_run(helpers, chunks, chunk)) return;
  for (int64_t c = 0; c < chunks; ++c) chunk(c);
}

void share_items(int64_t count, int64_t work, const std::function<void(int64_t, int64_t)> &each) {
  const int64_t team = team_size();
  if (team == 1 || work * count < minimum_shared_work()) return each(0, count);
  share_work(count, std::max<int64_t>(1, count / (4 * team)), each);
}

} // namespace aec::runtime
