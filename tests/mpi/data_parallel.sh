#!/usr/bin/env bash
# `mpirun -np N aec train`: the same checkpoint, byte for byte, on 1, 2 and 3 processes (with
# fresh noise every step, and with per-sample params, whose rows the processes share out); a run
# checkpointed on 3 processes and resumed on 2 ends as the uninterrupted one, and so does one
# stopped by SIGTERM to mpirun and resumed on 3; shard files, --val and check pca across processes;
# only the first process prints; batch statistics across processes; a killed process ends the run within seconds.
# Usage: data_parallel.sh PATH/TO/aec EXAMPLES_DIR   (mpirun --oversubscribe; root allowed by the
# caller's OMPI_ALLOW_RUN_AS_ROOT variables)
set -euo pipefail
aec=$1 examples=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
status=0
fail() { echo "FAILED: $*"; status=1; }
run() { local n=$1; shift; mpirun --oversubscribe -np "$n" "$aec" train "$@" --threads 1; }

denoising=("$examples/denoising.ae" --data 'synthetic:lowrank?n=1000&d=32&rank=4' --set k=8 --epochs 2 --batch 100)
factorization=("$examples/factorization.ae" --data 'synthetic:lowrank?n=300&d=16&rank=4' --set k=4 --epochs 3 --batch 64)
for n in 1 2 3; do
  run "$n" "${denoising[@]}" --save "$dir/d$n.ckpt" >"$dir/d$n.log" 2>&1 || fail "denoising on $n processes: $(tail -n 3 "$dir/d$n.log")"
  run "$n" "${factorization[@]}" --save "$dir/f$n.ckpt" >"$dir/f$n.log" 2>&1 || [[ $? == 2 ]] || fail "factorization on $n processes" # 2: its pca check
done
for n in 2 3; do
  cmp -s "$dir/d1.ckpt" "$dir/d$n.ckpt" && echo "denoising: -np $n = -np 1, byte for byte" || fail "denoising: -np $n differs from -np 1"
  cmp -s "$dir/f1.ckpt" "$dir/f$n.ckpt" && echo "factorization (per-sample rows): -np $n = -np 1" || fail "factorization: -np $n differs"
done
[[ $(grep -c "^final loss" "$dir/d3.log") == 1 ]] && echo "one process printed" || fail "$(grep -c "^final loss" "$dir/d3.log") processes printed"

run 3 "${factorization[@]}" --epochs 1 --save "$dir/r.ckpt" >/dev/null 2>&1 || [[ $? == 2 ]] || fail "the first epoch on 3 processes"
run 2 "${factorization[@]}" --resume "$dir/r.ckpt" >"$dir/r.log" 2>&1 || [[ $? == 2 ]] || fail "the resume on 2 processes"
cmp -s "$dir/r.ckpt" "$dir/f1.ckpt" && echo "resumed from 3 processes on 2: = uninterrupted" || fail "the resume from 3 on 2 differs"

# Memory-mapped shard files, --val and check pca computed across the processes: 3 processes end
# as 1 does (checkpoint, validation losses, the check's report), and as the one file does.
npy_header() { # SAMPLES WIDTH: the header of a uint8 NPY array
  local header="{'descr': '|u1', 'fortran_order': False, 'shape': ($1, $2), }"
  while (((10 + ${#header} + 1) % 64)); do header+=" "; done
  printf '\x93NUMPY\x01\x00'; printf "\\x$(printf %02x $(((${#header} + 1) & 255)))\\x$(printf %02x $(((${#header} + 1) >> 8)))"
  printf '%s\n' "$header"
}
mkdir "$dir/shards"
npy_header 2100 12 >"$dir/whole.npy"
for part in a b c; do
  head -c $((700 * 12)) /dev/urandom >"$dir/part"
  { npy_header 700 12; cat "$dir/part"; } >"$dir/shards/$part.npy"
  cat "$dir/part" >>"$dir/whole.npy"
done
checked=("$examples/pca_tied.ae" --set k=3 --epochs 2 --batch 100 --val 0.2)
report() { grep -E "^epoch|^check pca" "$1" | sed -E 's/ +[0-9]+ samples\/s.*//'; }
for n in 1 3; do
  run "$n" "${checked[@]}" --data "$dir/shards/*.npy" --save "$dir/s$n.ckpt" >"$dir/s$n.log" 2>&1 || [[ $? == 2 ]] || fail "shards on $n processes: $(tail -n 3 "$dir/s$n.log")"
done
run 1 "${checked[@]}" --data "$dir/whole.npy" --save "$dir/w.ckpt" >"$dir/w.log" 2>&1 || [[ $? == 2 ]] || fail "the whole file: $(tail -n 3 "$dir/w.log")"
grep -q "shards/\*.npy (3 files, 2100 samples of width 12)" "$dir/s1.log" || fail "the shard list is not described: $(head -n 2 "$dir/s1.log")"
cmp -s "$dir/s1.ckpt" "$dir/s3.ckpt" && cmp -s "$dir/s1.ckpt" "$dir/w.ckpt" && echo "shards on 3 processes = on 1 = the whole file" ||
  fail "shards: the checkpoints differ"
[[ -n $(report "$dir/s1.log") && $(report "$dir/s1.log") == $(report "$dir/s3.log") ]] && echo "--val and check pca on 3 processes = on 1" ||
  fail "--val or check pca differ: $(report "$dir/s1.log") vs $(report "$dir/s3.log")"

out=$(mpirun --oversubscribe -np 2 "$aec" run "${checked[0]}" --load "$dir/s1.ckpt" --data "$dir/whole.npy" --output code 2>&1) &&
  fail "aec run on 2 processes was not refused"
[[ $(grep -c "only aec train runs data-parallel" <<<"$out") == 1 ]] && echo "aec run under mpirun refused, once" ||
  fail "aec run under mpirun: $out"

# Batch statistics (batch normalization: the variance reads the mean; noise inside them) are
# computed across the processes: the same checkpoint, saved averages included, on 1, 2 and 3, and
# after a resume from 3 processes on 2.
printf '%s\n' 'dim D' 'input x : [D]' 'param W : [4, D] = glorot' 'param V : [D, 4] = glorot' 'xt = x + 0.1 * randn(D)' \
  'a = W * xt' 'mu = batch_mean(a)' 'c = a - mu' 'v = batch_mean(c .* c)' \
  'minimize ||x - V * tanh(c ./ sqrt(v + 0.01))||^2 + 0.1 * sum(mu .* mu)' >"$dir/norm.ae"
normalized=("$dir/norm.ae" --data 'synthetic:lowrank?n=500&d=8&rank=2' --epochs 2 --batch 100 --val 0.1)
for n in 1 2 3; do
  run "$n" "${normalized[@]}" --save "$dir/n$n.ckpt" >"$dir/n$n.log" 2>&1 || fail "batch statistics on $n processes: $(tail -n 3 "$dir/n$n.log")"
done
cmp -s "$dir/n1.ckpt" "$dir/n2.ckpt" && cmp -s "$dir/n1.ckpt" "$dir/n3.ckpt" && echo "batch statistics: -np 2 = -np 3 = -np 1" ||
  fail "batch statistics: the checkpoints differ"
# --profile on 2 processes with batch statistics: the rows (the statistics' passes, MPI, the
# chunks' weighting and the tree) account for the step within 5%.
run 2 "${normalized[@]}" --profile --json >"$dir/p.log" 2>&1 || fail "--profile on 2 processes: $(tail -n 3 "$dir/p.log")"
tail -n 1 "$dir/p.log" | /usr/bin/python3 -c "
import json, sys
p = json.loads(sys.stdin.read())['profile']
kinds = {r['kind'] for r in p['rows']}
assert abs(p['unaccounted_share']) < 0.05, p['unaccounted_share']
assert {'mpi', 'chunks', 'update', 'data'} <= kinds, kinds
assert any(r['what'].startswith('batch statistics: ') for r in p['rows'])
" && echo "--profile on 2 processes: the rows account for the step" || fail "--profile on 2 processes: $(tail -n 1 "$dir/p.log")"
run 3 "${normalized[@]}" --epochs 1 --save "$dir/nr.ckpt" >/dev/null 2>&1 || fail "batch statistics: the first epoch on 3 processes"
run 2 "${normalized[@]}" --resume "$dir/nr.ckpt" >/dev/null 2>&1 || fail "batch statistics: the resume on 2 processes"
cmp -s "$dir/nr.ckpt" "$dir/n1.ckpt" && echo "batch statistics resumed from 3 processes on 2: = uninterrupted" ||
  fail "batch statistics: the resume from 3 on 2 differs"

# SIGTERM to mpirun: every process stops after the same step, the first writes the checkpoint,
# and the run resumed on 3 processes ends as an uninterrupted one on 1. (Stopped once its first
# checkpoint is there: the run is under way, and far from its end.)
long=("$examples/denoising.ae" --data 'synthetic:lowrank?n=100000&d=64&rank=8' --set k=16 --epochs 6 --batch 64)
mpirun --oversubscribe -np 2 "$aec" train "${long[@]}" --threads 1 --save "$dir/t.ckpt" --save-every 20 >"$dir/t.log" 2>&1 &
runner=$! # mpirun itself, which passes SIGTERM on to the processes
for _ in $(seq 600); do [[ -s $dir/t.ckpt ]] && break; sleep 0.1; done
kill -TERM "$runner"
wait "$runner" && fail "the run stopped by SIGTERM exited 0"
grep -q "interrupted in epoch" "$dir/t.log" && echo "SIGTERM: $(grep -o "interrupted in epoch [0-9]* after step [0-9]*" "$dir/t.log")" ||
  fail "SIGTERM: no checkpoint written: $(tail -c 300 "$dir/t.log")"
run 3 "${long[@]}" --resume "$dir/t.ckpt" >/dev/null 2>&1 || fail "the resume on 3 processes"
run 1 "${long[@]}" --save "$dir/t1.ckpt" >/dev/null 2>&1 || fail "the uninterrupted run"
cmp -s "$dir/t.ckpt" "$dir/t1.ckpt" && echo "stopped on 2, resumed on 3: = uninterrupted on 1" || fail "the run stopped by SIGTERM and resumed differs"

# A process killed in the middle: mpirun ends the others and says which one died.
mpirun --oversubscribe -np 2 "$aec" train "$examples/denoising.ae" --data 'synthetic:lowrank?n=20000&d=64&rank=8' --set k=16 \
  --epochs 1000 --threads 1 >"$dir/kill.log" 2>&1 &
runner=$!
ranks() { pgrep -f "^$aec train $examples/denoising.ae" || true; } # not mpirun, whose command line holds the same
for _ in $(seq 600); do [[ $(ranks | wc -l) == 2 ]] && grep -q "epoch" "$dir/kill.log" && break; sleep 0.1; done
victim=$(ranks | tail -n 1)
if [[ -z $victim ]]; then
  fail "no process to kill: $(tail -c 300 "$dir/kill.log")"
else
  kill -9 "$victim"
  start=$(date +%s)
  wait "$runner" && fail "the run with a killed process exited 0"
  took=$(($(date +%s) - start))
  ((took <= 10)) && echo "a killed process ended the run in ${took} s" || fail "a killed process ended the run only after ${took} s"
  grep -q "exited on signal 9" "$dir/kill.log" || fail "no word of the killed process: $(tail -n 5 "$dir/kill.log")"
fi

((status == 0)) && echo "data-parallel: ok"
exit $status
