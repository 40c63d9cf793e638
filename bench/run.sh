#!/usr/bin/env bash
# aec against PyTorch (Debian's python3-torch with OpenBLAS) and against the machine's roofline
# (bench/roofline: the step's GEMMs at the best library's speed at each shape, plus one plain Adam
# pass), one thread each, pinned to one core, same models, Fashion-MNIST, Adam, in one run. Prints
# samples/s of both, the ratio, aec's fraction of its roofline (and of the roofline with every
# product's operands out of the caches, as they mostly are in a step), aec's compile time and both peak
# memories (medians over REPEATS runs), then aec's compile time for every example, and conv_ae's
# convolutions through each lowering (bench/conv_shapes).
# Usage: bench/run.sh [REPEATS]   (default 3; ONLY="relu_ae conv_ae" runs those rows alone)
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh --bench >/dev/null
AEC=${AEC:-build/tools/aec}
REPEATS=${1:-3}
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
json() { /usr/bin/python3 -c "import json,sys; print(round(json.loads(sys.stdin.read().splitlines()[-1])[\"$1\"]))"; }
peak_mb() { awk '/^peak_kb/ {printf "%.0f", $2 / 1024}' "$1"; }

# aec model | PyTorch peer (bench/torch_ae.py) | what the peer computes
rows=(
  "relu_ae|relu_ae|same model"
  "deep_ae|deep_ae|same model"
  "pca_tied|pca_tied|same model"
  "conv_ae|conv_ae|same model"
  "contractive|contractive_closed|closed form by hand"
  "contractive|contractive_double|generic double backward"
  "denoising_contractive|denoising_contractive_double|generic double backward"
)
# PyTorch's products run on the same OpenBLAS: give it the kernels aec chose (blas_core.h), so
# that a misdetected CPU slows neither side.
kernels=$("$AEC" --version | sed -n 's/.*OpenBLAS kernels \([A-Za-z0-9]*\).*/\1/p')
if [[ -n $kernels ]]; then export OPENBLAS_CORETYPE=$kernels; fi
echo "OpenBLAS kernels: ${kernels:-chosen by OpenBLAS}"
# The rooflines of the models whose products are all GEMMs (conv_ae's convolutions are not).
declare -A roofline cold
gemm_models=()
for row in "${rows[@]}"; do
  model=${row%%|*}
  if [[ $model != conv_ae && " ${gemm_models[*]} " != *" $model "* && (-z ${ONLY:-} || " $ONLY " == *" $model "*) ]]; then gemm_models+=("$model"); fi
done
if ((${#gemm_models[@]})); then
  while read -r _ model _ fp32 _ _ _ _ _ cold_fp32; do
    roofline[$model]=$fp32
    cold[$model]=$cold_fp32
  done < <(taskset -c 0 "$(dirname "$AEC")/../bench/roofline" "${gemm_models[@]}" | grep '^roofline ')
  echo "rooflines (samples/s, float32; products with warm caches / operands out of the caches):" \
    "$(for m in "${gemm_models[@]}"; do printf "%s %s / %s  " "$m" "${roofline[$m]}" "${cold[$m]}"; done)"
fi
printf "%-22s %-26s %12s %12s %8s %9s %9s %10s %9s %9s\n" model "PyTorch peer" "aec/s" "torch/s" ratio "roofline" "cold" "compile ms" "aec MB" \
  "torch MB"
tmp=$(mktemp)
for row in "${rows[@]}"; do
  IFS='|' read -r model peer what <<<"$row"
  if [[ -n ${ONLY:-} && " $ONLY " != *" $model "* ]]; then continue; fi
  a=(); t=(); c=(); am=(); tm=()
  for _ in $(seq "$REPEATS"); do
    out=$(/usr/bin/time -f "peak_kb %M" -o "$tmp" taskset -c 0 "$AEC" train "examples/$model.ae" --data fashion-mnist --epochs 1 --threads 1 --json)
    a+=("$(json samples_per_second <<<"$out")"); c+=("$(json compile_ms <<<"$out")"); am+=("$(peak_mb "$tmp")")
    t+=("$(/usr/bin/time -f "peak_kb %M" -o "$tmp" taskset -c 0 /usr/bin/python3 bench/torch_ae.py "$peer" | awk '{print $3}')")
    tm+=("$(peak_mb "$tmp")")
  done
  A=$(printf "%s\n" "${a[@]}" | median); T=$(printf "%s\n" "${t[@]}" | median)
  of_roofline=- of_cold=-
  if [[ -n ${roofline[$model]:-} ]]; then
    of_roofline=$(printf "%.0f%%" "$(echo "100 * $A / ${roofline[$model]}" | bc -l)")
    of_cold=$(printf "%.0f%%" "$(echo "100 * $A / ${cold[$model]}" | bc -l)")
  fi
  printf "%-22s %-26s %12s %12s %7.2fx %9s %9s %10s %9s %9s\n" "$model" "$peer" "$A" "$T" "$(echo "$A / $T" | bc -l)" "$of_roofline" "$of_cold" \
    "$(printf "%s\n" "${c[@]}" | median)" "$(printf "%s\n" "${am[@]}" | median)" "$(printf "%s\n" "${tm[@]}" | median)"
done
rm -f "$tmp"

if [[ -z ${ONLY:-} || " $ONLY " == *" conv_ae "* ]]; then
  echo
  taskset -c 0 "$(dirname "$AEC")/../bench/conv_shapes" # why conv_ae's convolutions go where they go
fi
if [[ -n ${ONLY:-} ]]; then exit 0; fi
echo
echo "compile time (parse to runnable kernels), ms, median of $REPEATS:"
for f in examples/*.ae; do
  ms=()
  for _ in $(seq "$REPEATS"); do
    ms+=("$(taskset -c 0 "$AEC" train "$f" --data fashion-mnist --limit 256 --epochs 1 --json 2>/dev/null | json compile_ms)")
  done
  printf "  %-24s %s\n" "$(basename "$f" .ae)" "$(printf "%s\n" "${ms[@]}" | median)"
done
