#!/usr/bin/env bash
# The longer sweep behind test/hardening/inputs.test.ts: about 60 bad command-line inputs across the commands. Prints
# every run that does not end in exit 2 with one line on stderr and no stack trace within 20 s (a hang shows as
# rc=124). Needs `npm run build`. Usage: perf/hardening/cli-inputs.sh [scratch dir]
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
W=${1:-$(mktemp -d)}
M="node $ROOT/packages/cli/dist/main.js"
S=$W/bench.sqlite
[ -f "$S" ] || $M import "$ROOT/test/fixtures/reference/nats-tss-v1_0-3ffb9-simple-sample" --no-progress --out "$S" 2>/dev/null
T="--datasets fashion-mnist --channel 4 --num-cells 1 --train-subset 32 --eval-subset 32 --replicas 1 --out $W/t"
H=99999999999999999999
bad=0; total=0
run() {
  total=$((total + 1))
  out=$(timeout 20 $M "$@" 2>&1 >/dev/null); rc=$?
  if [ $rc -ne 2 ] || [ "$(printf '%s' "$out" | wc -l)" -gt 0 ] || grep -q '    at ' <<<"$out"; then
    bad=$((bad + 1)); echo "rc=$rc: aa-nas $* :: $(head -c 300 <<<"$out")"
  fi
}
for v in "--hp $H" "--hp 0" "--seeds -1" "--seeds $H" "--epochs 1e3" "--train-subset 0" "--channel 0" "--channel 100000" "--num-cells 100000" "--channel 1.5"; do
  # shellcheck disable=SC2086
  run train-net 0 $T $v
done
for a in 99999 -1 1e3 ""; do run train-net "$a" $T; done
run train --range 5-1 --seeds 1 --datasets cifar10 --hp 1 --out "$W/t"
run train --range 0-99999 --seeds 1 --datasets cifar10 --hp 1 --out "$W/t"
run train --arch-index 1e3 --seeds 1 --datasets cifar10 --hp 1 --out "$W/t"
run train --arch-index $H --seeds 1 --datasets cifar10 --hp 1 --out "$W/t"
for v in "--runs 0" "--runs $H" "--seed -1" "--seed $H" "--budget -5" "--budget NaN" "--population 0" "--tournament 0"; do
  # shellcheck disable=SC2086
  run search rea --bench "$S" $v
done
run search reinforce --bench "$S" --lr -1
for p in 70000 -1 abc; do run serve --bench "$S" --port $p; done
for v in "--iepoch 1e20" "--iepoch -1" "--iepoch $H" "--trial 1e20" "--trial $H" "--hp $H"; do
  # shellcheck disable=SC2086
  run query 0 --bench "$S" --dataset cifar10 --hp 200 $v
done
run query 99999 --bench "$S" --dataset cifar10 --hp 200
for a in 99999 -1 1e3 $H; do run arch "$a"; done
P="sweep plan --arch-index 0 --seeds 1 --datasets cifar10 --hp 1 --out $W/sw"
# shellcheck disable=SC2086
{ run $P --attempts 0; run $P --attempts $H; run $P --backoff-ms 99999999999999; }
run sweep status --out "$W/sw" --failures 0
run sweep slurm --range 0-1 --array-size 0 --seeds 1 --datasets cifar10 --hp 12 --out "$W/sl"
run sweep worker --out "$W/sw" --concurrency 100000 --exit-when-done
run sweep worker --out "$W/sw" --lock-ms 99999999999999 --exit-when-done
run search darts-v1 --seed $H --max-steps 1
run search darts-v1 --channel 100000 --max-steps 1
run demo --archs 99999 --out "$W/dm"
run demo --seed 1e20 --out "$W/dm"
run demo --hp $H --out "$W/dm"
echo "$bad of $total inputs did not end in one line and exit 2"
