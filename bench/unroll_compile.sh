#!/usr/bin/env bash
# Compile time (parse to runnable kernels) of an unrolled encoder against its number of steps:
# examples/unrolled_ls.ae at T = 10, 100, 300 and 1000, one thread, pinned to one core, medians of
# REPEATS runs. BEFORE=path/to/another/aec adds the same row for another build (e.g. commit
# ead1997, before loops with one signature shared a kernel).
# Usage: bench/unroll_compile.sh [REPEATS]   (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
AEC=${AEC:-build/tools/aec}
REPEATS=${1:-3}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
compile_ms() { # binary steps
  for _ in $(seq "$REPEATS"); do
    taskset -c 0 "$1" train examples/unrolled_ls.ae --data 'synthetic:lowrank?n=256&d=64&rank=8' --epochs 1 --threads 1 \
      --set T="$2" --json | tail -1 | grep -o '"compile_ms": *[0-9]*' | grep -o '[0-9]*$'
  done | median
}
binaries=("$AEC")
[[ -n ${BEFORE:-} ]] && binaries+=("$BEFORE")
printf "%-28s %10s %10s %10s %10s   (compile ms)\n" binary "T=10" "T=100" "T=300" "T=1000"
for bin in "${binaries[@]}"; do
  printf "%-28s %10s %10s %10s %10s\n" "$bin" "$(compile_ms "$bin" 10)" "$(compile_ms "$bin" 100)" "$(compile_ms "$bin" 300)" \
    "$(compile_ms "$bin" 1000)"
done
