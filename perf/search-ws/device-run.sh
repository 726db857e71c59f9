#!/usr/bin/env bash
# One-shot device-machine run of the supernet step benchmark (a quiet 16-core machine with a GPU, unlike the shared
# 2-core development box): addon built against that machine's PyTorch by perf/train/device-setup.sh, then the GPU
# table and the 2-thread CPU table against that PyTorch.
# Carry: dist/perf-search-ws dist/device node_modules/node-addon-api
set -u
source perf/train/device-setup.sh
echo "== supernet step, cuda"
AA_NAS_PYTHON="$PY" timeout 90 node dist/perf-search-ws/perf/search-ws/supernet-step.js --device cuda --steps 10 --warmup 3 --rounds 2
echo "== supernet step, cpu, 2 threads"
AA_NAS_PYTHON="$PY" timeout 150 node dist/perf-search-ws/perf/search-ws/supernet-step.js --threads 2 --steps 3 --warmup 1 --rounds 1
