#!/usr/bin/env bash
# What training from Python costs over the command line: the same models on the same data
# (Fashion-MNIST, or synthetic data of its shape where it is not installed), one thread, pinned to
# one core, in one run: `aec train` reading the data itself, `import aec` training on a float32
# NumPy array in place, and the same with a progress callable (Python runs after every step).
# Prints samples/s (medians over REPEATS runs) and the ratios to the command line.
# Usage: bench/python.sh [REPEATS]   (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh --bench >/dev/null
AEC=${AEC:-build/tools/aec}
REPEATS=${1:-5}
export PYTHONPATH=$PWD/build/python OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
data=fashion-mnist
[[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]] || data="synthetic:lowrank?n=60000&d=784"
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "data: $data; $REPEATS runs of 1 epoch each, one thread on core 0"
printf "%-10s %14s %14s %8s %16s %8s\n" model "aec train" "python array" ratio "python+callback" ratio
for model in relu_ae deep_ae pca_tied; do
  cli=() py=() cb=()
  for ((r = 0; r < REPEATS; ++r)); do
    cli+=("$(taskset -c 0 "$AEC" train "examples/$model.ae" --data "$data" --epochs 1 --threads 1 --json |
      /usr/bin/python3 -c "import json,sys; print(json.loads(sys.stdin.read().splitlines()[-1])['samples_per_second'])")")
    read -r a b < <(taskset -c 0 /usr/bin/python3 - "$model" "$data" <<'PY'
import gzip, sys
import numpy as np
import aec
model, data = sys.argv[1], sys.argv[2]
if data == "fashion-mnist":  # read by NumPy, as a user's would be: float32 in [0, 1], C-contiguous
    with gzip.open("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz") as f:
        x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784) / np.float32(255)
else:  # the same shape (the speed does not depend on the values)
    x = np.random.default_rng(0).random((60000, 784), dtype=np.float32)
prog = aec.Program.from_file(f"examples/{model}.ae")
plain = prog.train(x, epochs=1, threads=1).samples_per_second
steps = []
called = prog.train(x, epochs=1, threads=1, progress=lambda p: steps.append(p.loss)).samples_per_second
print(plain, called)
PY
)
    py+=("$a") cb+=("$b")
  done
  c=$(printf '%s\n' "${cli[@]}" | median) p=$(printf '%s\n' "${py[@]}" | median) k=$(printf '%s\n' "${cb[@]}" | median)
  printf "%-10s %14.0f %14.0f %8.3f %16.0f %8.3f\n" "$model" "$c" "$p" "$(echo "$p / $c" | bc -l)" "$k" "$(echo "$k / $c" | bc -l)"
done
