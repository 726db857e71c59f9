#!/usr/bin/env bash
# One-shot GPU-machine check, sized for a short device slot: probe, build the addon against the machine's CUDA
# PyTorch (LIBTORCH = the torch package directory), then cuda-check and the benchmark on cuda and cpu.
# Carried from the dev machine (all under ignored paths): dist/perf-engine (npx tsc -p perf/engine/tsconfig.json),
# node_modules/node-addon-api, and dist/device/{node.xz,node-include.tar.xz} for machines without Node.
set -u
OUTDIR=${OUT:-/tmp}
echo "== probe"
nvidia-smi -L 2>&1 | head -3
nproc
PY=$(command -v python3 || true)
[ -n "$PY" ] && "$PY" -c "import torch, os; print('torch', torch.__version__, 'cuda', torch.version.cuda, torch.cuda.is_available(), os.path.dirname(torch.__file__))"
if ! command -v node >/dev/null; then
  echo "no node here: using the carried one"
  mkdir -p /tmp/node/bin /tmp/node/include
  xz -dc dist/device/node.xz > /tmp/node/bin/node && chmod +x /tmp/node/bin/node
  tar -C /tmp/node/include -xJf dist/device/node-include.tar.xz
  export PATH=/tmp/node/bin:$PATH
fi
node -v || exit 3
if [ -z "${LIBTORCH:-}" ]; then
  LIBTORCH=$("$PY" -c "import torch, os; print(os.path.dirname(torch.__file__))" 2>/dev/null) || true
  export LIBTORCH
fi
echo "LIBTORCH=${LIBTORCH:-none}"
echo "== build"
start=$(date +%s)
if command -v npm >/dev/null && [ -z "${AA_NAS_DIRECT_GXX:-}" ]; then
  node scripts/build-native.mjs --require > "$OUTDIR/build.log" 2>&1
  rc=$?
else
  # No npm/node-gyp: compile the same sources directly
  bash perf/build-addon-direct.sh "$OUTDIR/build.log"
  rc=$?
fi
echo "build rc=$rc in $(( $(date +%s) - start ))s"
grep -E "error|aa-nas:" "$OUTDIR/build.log" | head -n 20
[ $rc -eq 0 ] || exit 4
echo "== cuda-check"
timeout 120 node dist/perf-engine/perf/engine/cuda-check.js
[ -n "${AA_NAS_CHECK_ONLY:-}" ] && exit 0
echo "== bench cuda"
AA_NAS_PYTHON="$PY" timeout 150 node dist/perf-engine/perf/engine/engine-bench.js --device cuda
echo "== bench cpu"
AA_NAS_PYTHON="$PY" timeout 150 node dist/perf-engine/perf/engine/engine-bench.js
