#!/usr/bin/env bash
# aec against PyTorch (Debian's python3-torch with OpenBLAS), one thread each, pinned to one
# core, same models, Fashion-MNIST, batch 256, Adam, in one run. Prints samples/s and ratios.
# Usage: bench/run.sh [REPEATS]   (medians over REPEATS runs, default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh --bench >/dev/null
AEC=${AEC:-build/tools/aec}
REPEATS=${1:-3}
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf "%-10s %14s %14s %8s\n" model "aec samples/s" "torch samples/s" ratio
for model in relu_ae deep_ae; do
  aec_runs=(); torch_runs=()
  for _ in $(seq "$REPEATS"); do
    aec_runs+=("$(taskset -c 0 "$AEC" train "examples/$model.ae" --data fashion-mnist --epochs 1 --batch 256 --optimizer adam --threads 1 --json | tail -n1 | /usr/bin/python3 -c 'import json,sys; print(round(json.load(sys.stdin)["samples_per_second"]))')")
    torch_runs+=("$(taskset -c 0 /usr/bin/python3 bench/torch_ae.py "$model" | awk '{print $3}')")
  done
  a=$(printf "%s\n" "${aec_runs[@]}" | median); t=$(printf "%s\n" "${torch_runs[@]}" | median)
  printf "%-10s %14s %14s %7.2fx\n" "$model" "$a" "$t" "$(echo "$a / $t" | bc -l)"
done
