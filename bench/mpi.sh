#!/usr/bin/env bash
# Data-parallel training over MPI (Open MPI; shared memory between the processes of this machine).
# 1. samples/s of relu_ae and deep_ae (Fashion-MNIST, batch 256, Adam, one epoch) under plain
#    `aec train` and under mpirun on 1, 2 and 4 processes of one thread each (oversubscribed
#    where the machine has fewer cores), medians of REPEATS runs, each run's training time on the
#    first process split into running its chunks, MPI (moving data and waiting for the others)
#    and the rest (the optimizer update, every process the whole of it; adding up chunks);
# 2. the gradient sum's cost by message size on 2 and 4 processes (bench/mpi_collectives);
# 3. whether overlapping the gradient sum with compute would pay here (bench/mpi_overlap, 2
#    processes: MPI_Iallreduce of relu_ae's and deep_ae's gradients beside GEMMs, with and without
#    polling);
# 4. an alpha-beta projection from the step's parts measured on one process (batches 1024 and
#    2048): speedup and efficiency on 8 to 256 processes on a 10 and a 100 Gbit/s network, and the
#    smallest batch that keeps efficiency at 80% or more.
# Usage: bench/mpi.sh [REPEATS]   (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh --bench >/dev/null
AEC=${AEC:-build/tools/aec}
COLLECTIVES=${COLLECTIVES:-build/bench/mpi_collectives}
OVERLAP=${OVERLAP:-build/bench/mpi_overlap}
REPEATS=${1:-3}
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
data=fashion-mnist
[[ -e /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]] || data='synthetic:lowrank?n=60000&d=784'

echo "$(getconf _NPROCESSORS_ONLN) cores; $("$AEC" --version | head -n 1); data: $data"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# One run's JSON fields: samples/s, seconds, chunk_seconds, communication_seconds, steps.
fields() {
  /usr/bin/python3 -c '
import json, sys
r = json.loads(sys.stdin.read().splitlines()[-1])
print(r["samples_per_second"], r["seconds"], r.get("chunk_seconds", 0), r.get("communication_seconds", 0))'
}
median_row() { /usr/bin/python3 -c '
import statistics, sys
rows = [list(map(float, l.split())) for l in sys.stdin if l.strip()]
best = sorted(rows, key=lambda r: r[0])[len(rows) // 2]  # the median run by samples/s, whole
print(*best)'; }

printf "\n%-8s %-26s %12s %10s %10s %10s %10s\n" model run "samples/s" "vs plain" "chunks %" "MPI %" "rest %"
for model in relu_ae deep_ae; do
  # The params, from a checkpoint's listing ("  W1 : [256, 784]").
  "$AEC" train "examples/$model.ae" --data "$data" --limit 256 --epochs 1 --save "$tmp/$model.ckpt" >/dev/null
  params=$("$AEC" params "$tmp/$model.ckpt" | sed -n 's/.*: \[\(.*\)\]/\1/p' | awk -F', ' '{n = 1; for (i = 1; i <= NF; i++) n *= $i; s += n} END {print s}')
  for np in plain 1 2 4 1:1024 1:2048; do
    : >"$tmp/runs"
    batch=256
    if [[ $np == *:* ]]; then batch=${np#*:}; fi
    for _ in $(seq "$REPEATS"); do
      if [[ $np == plain ]]; then
        taskset -c 0 "$AEC" train "examples/$model.ae" --data "$data" --epochs 1 --threads 1 --json | fields >>"$tmp/runs"
      else
        mpirun --oversubscribe -np "${np%:*}" "$AEC" train "examples/$model.ae" --data "$data" --epochs 1 --threads 1 --batch "$batch" \
          --json 2>/dev/null | fields >>"$tmp/runs"
      fi
    done
    read -r rate seconds chunks mpi < <(median_row <"$tmp/runs")
    [[ $np == plain ]] && plain=$rate
    echo "$model $np $rate $seconds $chunks $mpi $params" >>"$tmp/table"
    if [[ $np == plain ]]; then
      printf "%-8s %-26s %12.0f %10s %10s %10s %10s\n" "$model" "aec train --batch 256" "$rate" 1.00 - - -
    else
      /usr/bin/python3 -c "
r, s, c, m, p = $rate, $seconds, $chunks, $mpi, $plain
print('%-8s %-26s %12.0f %10.2f %10.0f %10.0f %10.0f' % ('$model', 'mpirun -np ${np%:*} --batch $batch', r, r / p, 100 * c / s, 100 * m / s, 100 * (s - c - m) / s))"
    fi
  done
done

echo
echo "the gradient sum (World::tree_sum) by size, medians of 21:"
for np in 2 4; do
  mpirun --oversubscribe -np "$np" "$COLLECTIVES" | tee "$tmp/collectives$np"
done

echo
echo "overlapping a gradient sum with compute (MPI_Iallreduce beside GEMMs), medians of 41:"
mpirun --oversubscribe -np 2 "$OVERLAP"

# The projection, from the step's parts measured on one process at batches 1024 and 2048 (chunks
# of 128 samples, the size a batch of 1024 or more gets). A step of batch B on P processes takes
#   T(P) = (B / P) t + u + a (B / (128 P) - 1) + c(P)
# t: the chunk time per sample; u: the rest of a step that does not shrink with P (the optimizer
# update, which every process runs whole); a: adding one more chunk's gradient into the tree;
# c(P): the gradient sum, MPI_Alltoallv (reduce-scatter) then MPI_Allgatherv, each P - 1 messages
# a process and (P - 1) / P of the gradient's G bytes: c(P) = 2 (P - 1) alpha + 2 (P - 1) / P G beta.
# Efficiency E = T(1) / (P T(P)); speedup P E.
/usr/bin/python3 - "$tmp/table" "$tmp/collectives2" <<'EOF'
import re, sys
table = [l.split() for l in open(sys.argv[1])]
local = re.search(r"latency ([-0-9.]+) us, ([-0-9.]+) ns per byte", open(sys.argv[2]).read())
alpha_local, beta_local = float(local.group(1)) * 1e-6, float(local.group(2)) * 1e-9
networks = [("10 Gbit/s Ethernet (TCP, alpha 25 us)", 25e-6, 8 / 10e9), ("100 Gbit/s InfiniBand/RoCE (alpha 2 us)", 2e-6, 8 / 100e9)]
def comm(P, G, alpha, beta): return 2 * (P - 1) * alpha + 2 * (P - 1) / P * G * beta if P > 1 else 0
def chunk(B): return max(min(128, max(32, -(-B // 8))), -(-B // 256))  # StepComputer::chunk_samples
for model in ("relu_ae", "deep_ae"):
    rows = {r[1]: list(map(float, r[2:])) for r in table if r[0] == model}
    def parts(key, batch):  # per-sample chunk time, rest of a step
        rate, seconds, chunks, mpi, params = rows[key]
        total = rate * seconds
        steps = -(-int(round(total)) // batch)
        return chunks / total, (seconds - chunks - mpi) / steps, int(params)
    t1, rest1, params = parts("1:1024", 1024)
    t2, rest2, _ = parts("1:2048", 2048)
    t = (t1 + t2) / 2
    a = max(0.0, (rest2 - rest1) / 8)     # 16 chunks a step instead of 8
    u = max(0.0, rest1 - 7 * a)
    G = 4 * (params + 1)
    print(f"\n{model}: {params:,} params ({G / 2**20:.1f} MB a gradient); on one process, chunks of 128: {t * 1e6:.1f} us a sample, "
          f"the rest {u * 1e3:.2f} ms a step + {a * 1e3:.2f} ms a chunk")
    rate, seconds, chunks, mpi, _ = rows["2"]
    steps = -(-int(round(rate * seconds)) // 256)
    print(f"  check on this machine, 2 processes at batch 256: MPI measured {mpi / steps * 1e3:.2f} ms a step (moving data and "
          f"waiting), model {comm(2, G, alpha_local, beta_local) * 1e3:.2f} ms (the alpha-beta fit of mpi_collectives -np 2)")
    for name, alpha, beta in networks:
        print(f"  {name}:")
        print(f"    {'processes':>9} {'batch 4096':>18} {'batch 32768':>18}   smallest batch for 80%")
        def eff(B, P):
            T = lambda p: B / p * t + u + a * max(0, B / (chunk(B) * p) - 1) + comm(p, G, alpha, beta)
            return T(1) / (P * T(P))
        for P in (8, 16, 32, 64, 128, 256):
            cells = []
            for B in (4096, 32768):
                cells.append(f"{P * eff(B, P):7.1f}x {100 * eff(B, P):5.1f}%" if -(-B // chunk(B)) >= P else f"{'(too few chunks)':>18}")
            B = 128 * P
            while eff(B, P) < 0.8 and B < 2**24: B *= 2
            best = f"{B:,} ({B // P:,} a process)" if eff(B, P) >= 0.8 else "none below 16M"
            print(f"    {P:9d} {cells[0]:>18} {cells[1]:>18}   {best}")
EOF
