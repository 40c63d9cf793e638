// Checkpoints under fire: a run stopped at a random step and resumed ends bit for bit where an
// uninterrupted run ends; SIGKILL in the middle of checkpoint writes never leaves an unloadable
// file; a resume with other settings or other data is refused.
#include "cli_run.h"
#include "runtime/checkpoint.h"
#include "support/temp_dir.h"
#include "support/test_support.h"

#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>
#include <unistd.h>

namespace {

using aec::test::Run;
using aec::test::run_aec;

// `aec ARGS` in the background, its output discarded.
pid_t spawn_aec(const std::string &args) {
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    std::string cmd = "exec " + std::string(AEC_BINARY) + " " + args + " >/dev/null 2>&1";
    execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char *>(nullptr));
    _exit(127);
  }
  return pid;
}

// Waits (up to 60 s) until `path` exists or the process ends; true when it exists.
bool wait_for_file(const std::string &path, pid_t pid) {
  for (int i = 0; i < 6000; ++i) {
    if (std::filesystem::exists(path)) return true;
    int status;
    if (waitpid(pid, &status, WNOHANG) == pid) return std::filesystem::exists(path);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

int wait_exit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string file_bytes(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void check_same_params(const std::string &a, const std::string &b) {
  aec::runtime::Checkpoint x = aec::runtime::load_checkpoint(a), y = aec::runtime::load_checkpoint(b);
  REQUIRE(x.params.size() == y.params.size());
  for (auto &entry : x.params) { // (not a structured binding: clang 14 cannot capture one in INFO)
    const auto &p = entry.second;
    INFO("param " << entry.first);
    const auto &q = y.params.at(entry.first);
    REQUIRE(p.values.size() == q.values.size());
    CHECK(std::memcmp(p.values.data(), q.values.data(), p.values.size() * sizeof(float)) == 0);
  }
  CHECK(file_bytes(a) == file_bytes(b)); // optimizer state, RNG and losses too
}

const std::string kData = "'synthetic:lowrank?n=20000&d=256&rank=8'";

// A denoising model (fresh noise every step) with a held-out split, a schedule and clipping.
// About two seconds of training, long enough to be stopped in the middle.
const std::string kRun =
    aec::test::example_path("denoising") + " --set k=256 --data " + kData + " --epochs 4 --batch 32 --val 0.1 --schedule cosine --clip 1";

// Stops `run` with SIGTERM at random steps (after its first checkpoint), resumes it, and compares
// the end with an uninterrupted run.
void check_stop_and_resume(const std::string &run, int attempts) {
  aec::test::TempDir t;
  Run ref = run_aec("train " + run + " --save " + t.path("ref.ckpt"));
  REQUIRE(ref.status == 0);
  std::mt19937 rng(std::random_device{}());
  int stopped = 0;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    std::string ckpt = t.path("stopped" + std::to_string(attempt) + ".ckpt");
    pid_t pid = spawn_aec("train " + run + " --save " + ckpt + " --save-every 100");
    REQUIRE(wait_for_file(ckpt, pid)); // the first checkpoint: training is under way
    std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 600)(rng)));
    kill(pid, SIGTERM);
    int status = wait_exit(pid);
    INFO("attempt " << attempt << ", exit " << status);
    CHECK((status == 128 + SIGTERM || status == 0)); // 0: it had finished before the signal
    stopped += status == 128 + SIGTERM;
    Run resumed = run_aec("train " + run + " --resume " + ckpt);
    INFO(resumed.output);
    REQUIRE(resumed.status == 0);
    check_same_params(ckpt, t.path("ref.ckpt"));
  }
  MESSAGE(stopped << " of " << attempts << " runs were stopped before their end");
}

} // namespace

TEST_CASE("a run stopped at a random step and resumed is bit for bit the uninterrupted run") { check_stop_and_resume(kRun, 3); }

TEST_CASE("per-sample params and their optimizer rows resume bit for bit") {
  check_stop_and_resume(
      aec::test::example_path("sparse_coding") + " --set k=64 --data 'synthetic:lowrank?n=8000&d=256&rank=8' --epochs 6 --batch 8", 2);
}

// Mid-epoch: the batch statistics' sums so far resume with the rest, and validation uses the
// last epoch's averages.
TEST_CASE("batch statistics stopped in the middle of an epoch resume bit for bit") {
  check_stop_and_resume(aec::test::example_path("sparse_ae_kl") + " --data " + kData + " --epochs 8 --batch 32 --val 0.1", 2);
}

TEST_CASE("a run extended with more --epochs, on another number of threads, continues bit for bit") {
  aec::test::TempDir t;
  const std::string run = aec::test::example_path("denoising") + " --set k=64 --data " + kData + " --epochs 3 --batch 256";
  REQUIRE(run_aec("train " + run + " --threads 1 --save " + t.path("ref.ckpt")).status == 0);
  REQUIRE(run_aec("train " + run + " --threads 2 --epochs 1 --save " + t.path("short.ckpt")).status == 0);
  Run resumed = run_aec("train " + run + " --threads 3 --resume " + t.path("short.ckpt"));
  INFO(resumed.output);
  REQUIRE(resumed.status == 0);
  check_same_params(t.path("short.ckpt"), t.path("ref.ckpt"));
}

TEST_CASE("SIGKILL during checkpoint writes always leaves a loadable checkpoint") {
  aec::test::TempDir t;
  std::string ckpt = t.path("k.ckpt");
  std::mt19937 rng(std::random_device{}());
  for (int kill_no = 0; kill_no < 5; ++kill_no) {
    // A checkpoint every step: most of the run is spent writing them.
    pid_t pid = spawn_aec("train " + kRun + " --save " + ckpt + " --save-every 1" + (kill_no ? " --resume " + ckpt : ""));
    REQUIRE(wait_for_file(ckpt, pid));
    std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(20, 300)(rng)));
    kill(pid, SIGKILL);
    wait_exit(pid);
    INFO("after kill " << kill_no);
    aec::runtime::Checkpoint c = aec::runtime::load_checkpoint(ckpt); // throws if damaged
    REQUIRE(c.training.has_value());
    CHECK(c.training->step > 0);
  }
  // And the last one still resumes to the end.
  Run finished = run_aec("train " + kRun + " --resume " + ckpt);
  INFO(finished.output);
  CHECK(finished.status == 0);
  CHECK(finished.output.find("continuing after epoch") != std::string::npos);
}

TEST_CASE("a resume with other settings, other data or a damaged file is refused") {
  aec::test::TempDir t;
  std::string ckpt = t.path("c.ckpt");
  REQUIRE(run_aec("train " + kRun + " --epochs 1 --save " + ckpt).status == 0);
  Run lr = run_aec("train " + kRun + " --lr 0.01 --resume " + ckpt);
  CHECK(lr.status == 1);
  CHECK(lr.output.find("aec: error: --lr 0.01: the run in " + ckpt + " uses 0.001; a resumed run keeps its settings") != std::string::npos);
  Run data = run_aec("train " + aec::test::example_path("denoising") +
                     " --set k=256 --data 'synthetic:lowrank?n=20000&d=256&rank=8&seed=9'"
                     " --epochs 4 --batch 32 --val 0.1 --schedule cosine --clip 1 --resume " +
                     ckpt);
  CHECK(data.status == 1);
  CHECK(data.output.find("the checkpoint was trained on other data") != std::string::npos);
  std::string bytes = file_bytes(ckpt);
  bytes[bytes.size() / 2] ^= 0x5a;
  std::string broken = t.write("broken.ckpt", bytes);
  Run damaged = run_aec("train " + kRun + " --resume " + broken);
  CHECK(damaged.status == 1);
  CHECK(damaged.output.find(broken + ": not a valid aec checkpoint: the checksum does not match (the file is corrupt)") !=
        std::string::npos);
}
