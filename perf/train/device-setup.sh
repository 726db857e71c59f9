#!/usr/bin/env bash
# Device-machine setup, sourced by device-run.sh / device-pipeline.sh: the carried Node (dist/device), then the addon
# built against the machine's PyTorch (LIBTORCH = the torch package directory; direct g++: perf/build-addon-direct.sh).
# Sets PY; exits on failure.
OUTDIR=${OUT:-/tmp}
nvidia-smi -L 2>&1 | head -1
PY=$(command -v python3)
if ! command -v node >/dev/null; then
  mkdir -p /tmp/node/bin /tmp/node/include
  xz -T0 -dc dist/device/node.xz > /tmp/node/bin/node && chmod +x /tmp/node/bin/node
  tar -C /tmp/node/include -xJf dist/device/node-include.tar.xz
  export PATH=/tmp/node/bin:$PATH
fi
node -v || exit 3
export LIBTORCH=${LIBTORCH:-$("$PY" -c "import torch, os; print(os.path.dirname(torch.__file__))")}
echo "LIBTORCH=$LIBTORCH"
start=$(date +%s)
bash perf/build-addon-direct.sh "$OUTDIR/build.log"
rc=$?
echo "build rc=$rc in $(( $(date +%s) - start ))s"
[ $rc -eq 0 ] || { grep -E "error" "$OUTDIR/build.log" | head -n 20; exit 4; }
