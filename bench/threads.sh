#!/usr/bin/env bash
# Threads on a shared machine: samples/s at 1 and 2 threads with both cores idle and with a busy
# loop holding core 1 (medians of REPEATS one-epoch runs). BEFORE=path/to/another/aec adds the
# same rows for another build (e.g. commit 327fc89, which used OpenBLAS's own threading).
# Usage: bench/threads.sh [REPEATS]   (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
AEC=${AEC:-build/tools/aec}
REPEATS=${1:-3}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
rate() { # binary threads model samples
  for _ in $(seq "$REPEATS"); do
    "$1" train "examples/$3.ae" --limit "$4" --epochs 1 --threads "$2" | tail -1 | grep -o '[0-9]* samples/s' | cut -d' ' -f1
  done | median
}
binaries=("$AEC")
[[ -n ${BEFORE:-} ]] && binaries+=("$BEFORE")
printf "%-6s %-9s %-28s %10s %10s\n" state model binary "1 thread" "2 threads"
for state in idle busy; do
  busy_pid=
  if [[ $state == busy ]]; then
    taskset -c 1 sh -c 'while :; do :; done' &
    busy_pid=$!
    sleep 0.5
  fi
  for row in "relu_ae 30000" "deep_ae 10000"; do
    read -r model samples <<<"$row"
    for bin in "${binaries[@]}"; do
      printf "%-6s %-9s %-28s %10s %10s\n" "$state" "$model" "$bin" "$(rate "$bin" 1 "$model" "$samples")" "$(rate "$bin" 2 "$model" "$samples")"
    done
  done
  [[ -n $busy_pid ]] && kill "$busy_pid"
done
