#!/usr/bin/env bash
# --precision bf16 against float32 and PyTorch's float32, one thread pinned to one core,
# Fashion-MNIST, Adam, in one run: which path this CPU takes (its bfloat16 instructions through
# oneDNN, or none, when the emulation is measured instead and says so), samples/s of one epoch
# (median of REPEATS), and the loss after 3 epochs in each precision.
# Usage: bench/bf16.sh [REPEATS]   (default 3; MODELS="relu_ae" for fewer)
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh --bench >/dev/null
AEC=${AEC:-build/tools/aec}
REPEATS=${1:-3}
MODELS=${MODELS:-relu_ae deep_ae}
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
field() { /usr/bin/python3 -c "import json,sys; print(json.loads(sys.stdin.read().splitlines()[-1])[\"$1\"])"; }
kernels=$("$AEC" --version | sed -n 's/.*OpenBLAS kernels \([A-Za-z0-9]*\).*/\1/p')
if [[ -n $kernels ]]; then export OPENBLAS_CORETYPE=$kernels; fi

train() { taskset -c 0 "$AEC" train "examples/$1.ae" --data fashion-mnist --threads 1 "${@:2}"; }
probe=$(train relu_ae --limit 256 --epochs 1 --precision bf16 2>&1 || true)
if grep -q "no bfloat16 instructions" <<<"$probe"; then
  export AEC_BF16=emulate
  echo "this CPU has no bfloat16 instructions: measuring the emulation (AEC_BF16=emulate), not what bf16 is for"
fi
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "bf16 path: $(train relu_ae --limit 256 --epochs 1 --precision bf16 | sed -n 's/.*bfloat16 products: //p' | head -n 1)"
printf "%-10s %10s %10s %10s %11s %13s %13s %9s\n" model "fp32/s" "bf16/s" "torch/s" "bf16/torch" "fp32 loss 3ep" "bf16 loss 3ep" "diff"
for model in $MODELS; do
  f=(); b=(); t=()
  for _ in $(seq "$REPEATS"); do
    f+=("$(train "$model" --epochs 1 --json | field samples_per_second)")
    b+=("$(train "$model" --epochs 1 --precision bf16 --json | field samples_per_second)")
    t+=("$(taskset -c 0 /usr/bin/python3 bench/torch_ae.py "$model" | awk '{print $3}')")
  done
  F=$(printf "%s\n" "${f[@]}" | median); B=$(printf "%s\n" "${b[@]}" | median); T=$(printf "%s\n" "${t[@]}" | median)
  lf=$(train "$model" --epochs 3 --json | field final_loss)
  lb=$(train "$model" --epochs 3 --precision bf16 --json | field final_loss)
  printf "%-10s %10.0f %10.0f %10.0f %10.2fx %13.6g %13.6g %8.2f%%\n" "$model" "$F" "$B" "$T" "$(echo "$B / $T" | bc -l)" "$lf" "$lb" \
    "$(echo "100 * ($lb - $lf) / $lf" | bc -l)"
done
