#!/usr/bin/env bash
# Fuzzes with libFuzzer under AddressSanitizer and UndefinedBehaviorSanitizer (the sanitizer
# build, build-asan), seeded with examples/ and tests/diagnostics/ and every earlier run's
# corpus in build-asan/fuzz/corpus/TARGET.
#   tools/fuzz.sh [TARGET] [SECONDS]
# TARGET: compiler (default: parse through codegen, and a training step for small programs),
# parser, or data (the IDX, NPY and CSV readers, seeded with tests/fuzz/data-seeds/).
# A crash, a sanitizer report, a leak, an input that takes over 2 s or an uncaught exception is a
# finding: saved in build-asan/fuzz/findings/TARGET/, and the exit status is 1.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:-compiler}
seconds=${2:-60}
case "$target" in compiler | parser | data) ;; *) echo "tools/fuzz.sh: unknown target '$target' (compiler, parser or data)" >&2; exit 2 ;; esac
tools/setup.sh --fuzz >/dev/null
tools/configure-sanitizers.sh
cmake --build build-asan --target "fuzz_$target"
corpus=build-asan/fuzz/corpus/$target findings=build-asan/fuzz/findings/$target
mkdir -p "$corpus" "$findings"
if [[ $target == data ]]; then cp -n tests/fuzz/data-seeds/* "$corpus/"; else cp -n examples/*.ae tests/diagnostics/*.ae "$corpus/" 2>/dev/null || true; fi
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 LSAN_OPTIONS=suppressions=$PWD/tests/sanitizers/lsan.supp
echo "fuzzing $target for $seconds s (corpus $corpus: $(ls "$corpus" | wc -l) inputs)"
log=build-asan/fuzz/$target.log
status=0
"build-asan/tests/fuzz/fuzz_$target" "$corpus" -max_total_time="$seconds" -timeout=2 -rss_limit_mb=4096 -max_len=4096 \
  -artifact_prefix="$findings/" -print_final_stats=1 >"$log" 2>&1 || status=$?
grep -v -E "^#[0-9]+\s+(NEW|REDUCE|pulse)" "$log" | tail -n 40 # the whole output stays in the log
if ((status != 0)) || compgen -G "$findings/*" >/dev/null; then
  echo "fuzz $target: exit status $status; findings in $findings: $(ls "$findings" | tr '\n' ' ') (full output: $log)" >&2
  exit 1
fi
echo "fuzz $target: no findings"
