#!/usr/bin/env bash
# Fuzzes with libFuzzer under AddressSanitizer and UndefinedBehaviorSanitizer (the sanitizer
# build, build-asan), seeded with examples/ and tests/diagnostics/ and every earlier run's
# corpus in build-asan/fuzz/corpus/TARGET.
#   tools/fuzz.sh [TARGET] [SECONDS] [--large]
# TARGET: compiler (default: parse through codegen, and a training step for small programs),
# parser, data (the IDX, NPY and CSV readers, seeded with tests/fuzz/data-seeds/), or checkpoint
# (the checkpoint reader with the checksum recomputed, and aec run / --resume on what it accepts;
# seeded with checkpoints that the build's aec trains here).
# --large (parser, compiler): inputs up to 1 MB instead of 4 KB, a dictionary of the language's
# tokens (tests/fuzz/ae.dict) and seeds of deep and long programs (tests/fuzz/deep_programs.py);
# an input may take 30 s instead of 2 (a sum of 20000 terms takes 17 s in this build). Its
# corpus is kept apart (corpus/TARGET-large).
# A crash, a sanitizer report, a leak, an input over the time bound (libFuzzer's slow-unit report,
# 10 s by default, is set to the same bound) or an uncaught exception is a finding: saved in
# build-asan/fuzz/findings/TARGET/, and the exit status is 1.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:-compiler}
seconds=${2:-60}
large=0
[[ ${3:-} == --large ]] && large=1
case "$target" in compiler | parser | data | checkpoint) ;;
*) echo "tools/fuzz.sh: unknown target '$target' (compiler, parser, data or checkpoint)" >&2; exit 2 ;;
esac
if ((large)) && [[ $target != compiler && $target != parser ]]; then echo "tools/fuzz.sh: --large is for parser and compiler" >&2; exit 2; fi
tools/setup.sh --fuzz >/dev/null
tools/configure-sanitizers.sh
targets=("fuzz_$target")
[[ $target == checkpoint ]] && targets+=(aec) # it trains the seeds
cmake --build build-asan --target "${targets[@]}"
name=$target
((large)) && name+=-large
corpus=build-asan/fuzz/corpus/$name findings=build-asan/fuzz/findings/$name
mkdir -p "$corpus" "$findings"
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 LSAN_OPTIONS=suppressions=$PWD/tests/sanitizers/lsan.supp
bound=2 # seconds an input may take
options=(-max_len=4096)
case "$target" in
data) cp -n tests/fuzz/data-seeds/* "$corpus/" ;;
checkpoint)
  # Checkpoints of small programs (one with per-sample rows, one centered with a held-out split),
  # without their end section (23 bytes), which the target adds with the right checksum.
  seeds=$(mktemp -d)
  data="synthetic:lowrank?n=48&d=12&rank=3"
  build-asan/tools/aec train examples/pca_tied.ae --data "$data" --set k=3 --epochs 1 --batch 16 --val 0.25 --save "$seeds/pca" >/dev/null
  build-asan/tools/aec train examples/factorization.ae --data "$data" --set k=3 --epochs 1 --batch 16 --save "$seeds/fact" >/dev/null
  build-asan/tools/aec train examples/denoising.ae --data "$data" --set k=4 --epochs 1 --batch 16 --optimizer momentum --save "$seeds/dae" >/dev/null
  for f in "$seeds"/*; do head -c -23 "$f" >"$corpus/seed-$(basename "$f")"; done
  rm -r "$seeds"
  bound=5
  options=(-max_len=65536)
  ;;
*)
  cp -n examples/*.ae tests/diagnostics/*.ae "$corpus/" 2>/dev/null || true
  if ((large)); then
    python3 tests/fuzz/deep_programs.py "$corpus"
    bound=30
    options=(-max_len=1048576 -dict=tests/fuzz/ae.dict)
  fi
  ;;
esac
echo "fuzzing $name for $seconds s (corpus $corpus: $(ls "$corpus" | wc -l) inputs)"
log=build-asan/fuzz/$name.log
status=0
"build-asan/tests/fuzz/fuzz_$target" "$corpus" -max_total_time="$seconds" -timeout="$bound" "${options[@]}" \
  -report_slow_units="$bound" -rss_limit_mb=4096 -artifact_prefix="$findings/" -print_final_stats=1 >"$log" 2>&1 || status=$?
grep -v -E "^#[0-9]+\s+(NEW|REDUCE|pulse)" "$log" | tail -n 40 # the whole output stays in the log
if ((status != 0)) || compgen -G "$findings/*" >/dev/null; then
  echo "fuzz $name: exit status $status; findings in $findings: $(ls "$findings" | tr '\n' ' ') (full output: $log)" >&2
  exit 1
fi
echo "fuzz $name: no findings"
