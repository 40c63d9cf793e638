#!/usr/bin/env bash
# Training speed of the portable build (aec's own C++ for x86-64's baseline, the default) against
# one tuned for this machine (-DAEC_ARCH=native, built into build-native on first use): samples/s
# of one epoch at one thread, pinned to core 0, runs of the two builds alternating, medians of
# REPEATS. relu_ae and deep_ae are GEMM-bound; sparse_coding's per-sample codes make Adam's update
# of 60,000 x k rows a large share of each step, the loop the portable build dispatches at run time.
# Usage: bench/portable.sh [REPEATS]   (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
REPEATS=${1:-5}
PORTABLE=${PORTABLE:-build/tools/aec}
NATIVE=${NATIVE:-build-native/tools/aec}
if [[ ! -x $NATIVE ]]; then
  cmake -S . -B build-native -G Ninja -DCMAKE_BUILD_TYPE=Release -DAEC_ARCH=native >/dev/null
  cmake --build build-native -j2 --target aec >/dev/null
fi
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
rate() { # binary model args...
  local bin=$1 model=$2
  shift 2
  taskset -c 0 "$bin" train "examples/$model.ae" --epochs 1 --threads 1 --json "$@" | tail -1 | grep -o '"samples_per_second": [0-9.]*' | cut -d' ' -f2
}
printf "%-14s %14s %14s %8s\n" model portable native ratio
for row in "relu_ae --limit 30000" "deep_ae --limit 10000" "sparse_coding --set k=256 --limit 20000"; do
  read -r model args <<<"$row"
  p=() n=()
  for _ in $(seq "$REPEATS"); do
    # shellcheck disable=SC2086
    p+=("$(rate "$PORTABLE" "$model" $args)")
    # shellcheck disable=SC2086
    n+=("$(rate "$NATIVE" "$model" $args)")
  done
  mp=$(printf "%s\n" "${p[@]}" | median) mn=$(printf "%s\n" "${n[@]}" | median)
  printf "%-14s %14.0f %14.0f %8.3f\n" "$model" "$mp" "$mn" "$(echo "$mp / $mn" | bc -l)"
done
