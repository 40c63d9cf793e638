#!/usr/bin/env bash
# Fuzzes with libFuzzer under AddressSanitizer and UndefinedBehaviorSanitizer, seeded with
# examples/ and tests/diagnostics/ (and every earlier run's corpus in build-fuzz/corpus/TARGET).
#   tools/fuzz.sh [TARGET] [SECONDS]
# TARGET: compiler (default; parse through codegen and one training step) or parser.
# Findings (crash-*, timeout-*, leak-*) go to build-fuzz/findings/TARGET/; the exit status is
# non-zero when there was one.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:-compiler}
seconds=${2:-60}
case "$target" in compiler | parser) ;; *) echo "tools/fuzz.sh: unknown target '$target' (compiler or parser)" >&2; exit 2 ;; esac
tools/setup.sh --fuzz >/dev/null
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-14 -DAEC_FUZZ=ON -DAEC_WERROR=OFF \
  -DAEC_NATIVE=OFF -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fsanitize=fuzzer-no-link" >/dev/null
cmake --build build-fuzz --target "fuzz_$target"
corpus=build-fuzz/corpus/$target findings=build-fuzz/findings/$target
mkdir -p "$corpus" "$findings"
cp -n examples/*.ae tests/diagnostics/*.ae "$corpus/" 2>/dev/null || true
# LeakSanitizer stays on: a leak is a finding too.
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 LSAN_OPTIONS=suppressions=$PWD/tests/sanitizers/lsan.supp
"build-fuzz/tests/fuzz/fuzz_$target" "$corpus" -max_total_time="$seconds" -timeout=2 -rss_limit_mb=4096 -max_len=4096 \
  -artifact_prefix="$findings/" -print_final_stats=1
