#!/usr/bin/env bash
# One-shot device-machine run for the training benchmark (sized for a short slot): setup + addon build, then the CUDA
# training check, the GPU table and the 2-thread CPU table against that machine's PyTorch (a quiet 16-core machine,
# unlike the shared 2-core development box).
# Carry: dist/perf-train dist/device node_modules/node-addon-api
set -u
source perf/train/device-setup.sh
echo "== cuda train check"
timeout 120 node dist/perf-train/perf/train/cuda-train-check.js
echo "== train bench cuda"
AA_NAS_PYTHON="$PY" timeout 150 node dist/perf-train/perf/train/train-bench.js --device cuda --rounds 1 --steps 10
echo "== train bench cpu (2 threads)"
AA_NAS_PYTHON="$PY" timeout 240 node dist/perf-train/perf/train/train-bench.js --rounds 1 --steps 3
