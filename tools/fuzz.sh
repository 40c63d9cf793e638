#!/usr/bin/env bash
# Fuzzes the compiler with libFuzzer under AddressSanitizer and UndefinedBehaviorSanitizer,
# seeded with examples/ and tests/diagnostics/. Findings go to build-fuzz/findings/.
# Usage: tools/fuzz.sh [SECONDS]   (default 60; the corpus grows across runs in build-fuzz/corpus)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
tools/setup.sh --fuzz >/dev/null
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-14 -DAEC_FUZZ=ON -DAEC_WERROR=OFF \
  -DAEC_NATIVE=OFF -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fsanitize=fuzzer-no-link" >/dev/null
cmake --build build-fuzz --target fuzz_compiler
mkdir -p build-fuzz/corpus build-fuzz/findings
cp -n examples/*.ae tests/diagnostics/*.ae build-fuzz/corpus/ 2>/dev/null || true
export ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1
build-fuzz/tests/fuzz/fuzz_compiler build-fuzz/corpus -max_total_time="$seconds" -timeout=2 -rss_limit_mb=4096 -max_len=4096 \
  -artifact_prefix=build-fuzz/findings/ -print_final_stats=1
