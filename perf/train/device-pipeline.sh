#!/usr/bin/env bash
# Device-machine run: trainRun end to end (pipeline-bench) and the bare GPU step (train-bench, batch 256) on the same
# machine, to see what the data side costs on a GPU; then the CUDA training check.
# Carry: dist/perf-train dist/device node_modules/node-addon-api
set -u
source perf/train/device-setup.sh
echo "== trainRun end to end, cuda"
timeout 60 node dist/perf-train/perf/train/pipeline-bench.js --device cuda
echo "== train bench cuda (bare step)"
AA_NAS_PYTHON="$PY" timeout 60 node dist/perf-train/perf/train/train-bench.js --device cuda --rounds 1 --steps 10 --only b256
echo "== cuda train check"
timeout 40 node dist/perf-train/perf/train/cuda-train-check.js
