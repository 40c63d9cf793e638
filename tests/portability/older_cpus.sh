#!/usr/bin/env bash
# aec built for x86-64's baseline runs on older CPUs than the one that built it: two small trainings
# (pca_tied; a convolutional autoencoder, whose convolutions run through oneDNN's kernels for the
# CPU and through im2col) under qemu-user emulating a Haswell (AVX2, no AVX-512) and a Nehalem
# (SSE4.2, no AVX) must exit 0 and reach the loss of the same training on this machine (to 1e-5:
# the JIT-compiled kernels, OpenBLAS and oneDNN take other instructions there, so the last bits
# differ). A build that uses this machine's instructions dies there with SIGILL instead. And
# --precision bf16 is refused there, while its emulation (AEC_BF16=emulate) trains to this
# machine's emulated loss.
# Usage: older_cpus.sh PATH/TO/aec EXAMPLES_DIR
set -euo pipefail
aec=$1 examples=$2
command -v qemu-x86_64 >/dev/null || { echo "qemu-x86_64 is missing: tools/setup.sh installs qemu-user" >&2; exit 1; }
conv=$(mktemp --suffix=.ae)
trap 'rm -f "$conv"' EXIT
printf '%s\n' 'dim D' 'input x : [D]' 'param K : [4, 1, 3, 3] = glorot' 'param b : [4] = zeros' 'param T : [4, 1, 4, 4] = glorot' \
  'img = reshape(x, 1, 8, 8)' 'minimize ||img - conv_t(T, relu(conv(K, img, stride=2, pad=1) + b), stride=2, pad=1)||^2' >"$conv"
loss() { tail -n 1 | grep -o '"final_loss": [-0-9.eE+]*' | cut -d' ' -f2; }
status=0
for run in "pca_tied|$examples/pca_tied.ae|--set k=4|16" "a convolutional autoencoder|$conv||64"; do
  IFS='|' read -r name program set width <<<"$run"
  # shellcheck disable=SC2086 # $set: zero or two words
  args=(train "$program" $set --data "synthetic:lowrank?n=512&d=$width&rank=4" --epochs 2 --threads 1 --json)
  here=$("$aec" "${args[@]}" | loss)
  echo "$name: this machine: final loss $here"
  for cpu in Haswell Nehalem; do
    out=$(qemu-x86_64 -cpu "$cpu" "$aec" "${args[@]}" 2>&1) || { echo "  $cpu: aec failed (exit $?):"; echo "$out" | tail -n 3; status=1; continue; }
    there=$(echo "$out" | loss)
    if awk -v a="$here" -v b="$there" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 1e-5 * (a < 0 ? -a : a)) }'; then
      echo "  $cpu: final loss $there: same"
    else
      echo "  $cpu: final loss $there differs from $here"
      status=1
    fi
  done
done
# --precision bf16 on a CPU without bfloat16 instructions (a Haswell): refused, naming the emulation,
# which trains there to the loss it reaches here.
bf16=(train "$examples/pca_tied.ae" --set k=4 --data "synthetic:lowrank?n=512&d=16&rank=4" --epochs 2 --threads 1 --precision bf16 --json)
if out=$(qemu-x86_64 -cpu Haswell "$aec" "${bf16[@]}" 2>&1); then
  echo "bf16 on a Haswell: not refused"; status=1
elif ! echo "$out" | grep -q "this CPU has no bfloat16 instructions.*AEC_BF16=emulate"; then
  echo "bf16 on a Haswell: refused without naming the emulation: $out"; status=1
else
  here=$(AEC_BF16=emulate "$aec" "${bf16[@]}" | loss)
  there=$(AEC_BF16=emulate qemu-x86_64 -cpu Haswell "$aec" "${bf16[@]}" | loss)
  if awk -v a="$here" -v b="$there" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 1e-5 * (a < 0 ? -a : a)) }'; then
    echo "bf16 on a Haswell: refused; emulated, final loss $there: same as here"
  else
    echo "bf16 emulated on a Haswell: final loss $there differs from $here"; status=1
  fi
fi
((status == 0)) && echo "older CPUs: ok"
exit $status
