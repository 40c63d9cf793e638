#!/usr/bin/env bash
# Two aec binaries against each other (a change's before and after), in one run: one thread on
# core 0, runs alternating, Fashion-MNIST's first --limit samples, one epoch. Prints each model's
# median samples/s and compile time for both, and their ratio.
# Usage: bench/ab.sh BEFORE/aec AFTER/aec [REPEATS] [LIMIT]   (default 5 repeats of 10000 samples)
set -euo pipefail
cd "$(dirname "$0")/.."
BEFORE=$1 AFTER=$2 REPEATS=${3:-5} LIMIT=${4:-10000}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
json() { /usr/bin/python3 -c "import json,sys; print(round(json.loads(sys.stdin.read().splitlines()[-1])[\"$1\"]))"; }
run() { taskset -c 0 "$1" train "examples/$2.ae" --data fashion-mnist --limit "$LIMIT" --epochs 1 --threads 1 --json 2>/dev/null; }

printf "%-22s %12s %12s %7s %12s %12s\n" model "before/s" "after/s" ratio "before ms" "after ms"
for model in pca_tied relu_ae deep_ae contractive denoising_contractive sparse_coding unrolled_ls vae; do
  bs=(); as=(); bc=(); ac=()
  for _ in $(seq "$REPEATS"); do
    out=$(run "$BEFORE" "$model"); bs+=("$(json samples_per_second <<<"$out")"); bc+=("$(json compile_ms <<<"$out")")
    out=$(run "$AFTER" "$model"); as+=("$(json samples_per_second <<<"$out")"); ac+=("$(json compile_ms <<<"$out")")
  done
  B=$(printf "%s\n" "${bs[@]}" | median); A=$(printf "%s\n" "${as[@]}" | median)
  printf "%-22s %12s %12s %6.3fx %12s %12s\n" "$model" "$B" "$A" "$(echo "$A / $B" | bc -l)" \
    "$(printf "%s\n" "${bc[@]}" | median)" "$(printf "%s\n" "${ac[@]}" | median)"
done
