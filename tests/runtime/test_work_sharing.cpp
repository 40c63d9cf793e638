// Work sharing for the runtime calls: every chunk exactly once, concurrent teams, and GEMMs,
// per-sample GEMMs and inverses on two threads equal to one thread's.
#include "runtime/kernel_calls.h"
#include "runtime/work_sharing.h"

#include <cblas.h>
#include <doctest/doctest.h>

#include <atomic>
#include <cmath>
#include <random>
#include <thread>
#include <vector>

namespace {

using aec::runtime::set_team_size;
using aec::runtime::share_work;

std::vector<float> random_floats(size_t n, std::mt19937 &rng) {
  std::normal_distribution<float> normal;
  std::vector<float> v(n);
  for (float &x : v) x = normal(rng);
  return v;
}

// Runs f with the calling thread's team size set to `threads`, then back to one.
template <class F> auto with_team(int threads, F f) {
  set_team_size(threads);
  auto r = f();
  set_team_size(1);
  return r;
}

} // namespace

TEST_CASE("share_work hands out every index exactly once, whatever the team and grain") {
  for (int team : {1, 2, 3, 8})
    for (int64_t count : {1, 7, 64, 1000})
      for (int64_t grain : {1, 3, 64, 5000}) {
        std::vector<std::atomic<int>> seen(static_cast<size_t>(count));
        with_team(team, [&] {
          share_work(count, grain, [&](int64_t b, int64_t e) {
            CHECK(e - b <= grain);
            for (int64_t i = b; i < e; ++i) seen[size_t(i)]++;
          });
          return 0;
        });
        for (auto &s : seen) CHECK(s.load() == 1);
      }
}

TEST_CASE("two teams at once: each call completes every chunk (one of them may run alone)") {
  auto run = [](int64_t salt) {
    set_team_size(2);
    int64_t total = 0;
    for (int rep = 0; rep < 200; ++rep) {
      std::atomic<int64_t> sum{0};
      share_work(1000, 7, [&](int64_t b, int64_t e) {
        for (int64_t i = b; i < e; ++i) sum += i + salt;
      });
      total += sum.load();
    }
    return total;
  };
  int64_t a = 0, b = 0;
  std::thread ta([&] { a = run(1); });
  std::thread tb([&] { b = run(2); });
  ta.join();
  tb.join();
  CHECK(a == 200 * (999 * 1000 / 2 + 1000));
  CHECK(b == 200 * (999 * 1000 / 2 + 2000));
}

TEST_CASE("a GEMM on two or three threads is bit for bit one thread's, every transpose and shape") {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 16; ++trial) {
    const int64_t M = 64 + rng() % 600, N = 64 + rng() % 600, K = 32 + rng() % 300;
    const int32_t ta = trial & 1, tb = (trial >> 1) & 1;
    const int64_t lda = ta ? K : M, ldb = tb ? N : K;
    std::vector<float> A = random_floats(size_t(M * K), rng), B = random_floats(size_t(K * N), rng), C0 = random_floats(size_t(M * N), rng);
    auto gemm = [&](int threads) {
      std::vector<float> C = C0;
      with_team(threads, [&] {
        aec_gemm(ta, tb, M, N, K, A.data(), lda, B.data(), ldb, C.data(), M, 0.5f);
        return 0;
      });
      return C;
    };
    // The product is cut the same way for any team, so every element is summed in one order.
    std::vector<float> one = gemm(1);
    INFO("M " << M << " N " << N << " K " << K << " ta " << ta << " tb " << tb);
    CHECK(gemm(2) == one);
    CHECK(gemm(3) == one);
    // And the cut itself is one SGEMM's result up to rounding (a few float epsilons times K).
    std::vector<float> whole = C0;
    cblas_sgemm(CblasColMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, int(M), int(N), int(K), 1.0f, A.data(),
                int(lda), B.data(), int(ldb), 0.5f, whole.data(), int(M));
    double worst = 0;
    for (size_t i = 0; i < one.size(); ++i) worst = std::max(worst, double(std::abs(one[i] - whole[i])));
    CHECK(worst < 1e-6 * double(K));
  }
}

TEST_CASE("per-sample GEMMs and inverses on two threads are bit for bit one thread's") {
  std::mt19937 rng(3);
  const int64_t n = 24, count = 300;
  std::vector<float> A = random_floats(size_t(n * n * count), rng), B = random_floats(size_t(n * n * count), rng);
  for (int64_t k = 0; k < count; ++k)
    for (int64_t i = 0; i < n; ++i) A[size_t(k * n * n + i * n + i)] += 10; // well conditioned
  auto run = [&](int threads) {
    return with_team(threads, [&] {
      std::vector<float> prod(size_t(n * n * count)), inv(size_t(n * n * count));
      aec_gemm_each(0, 1, n, n, n, A.data(), n, n * n, B.data(), n, n * n, prod.data(), n, n * n, count);
      aec_inverse(n, count, A.data(), inv.data());
      prod.insert(prod.end(), inv.begin(), inv.end());
      return prod;
    });
  };
  CHECK(run(2) == run(1));
}
