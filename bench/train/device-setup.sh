#!/usr/bin/env bash
# Device-machine setup, sourced by device-run.sh / device-pipeline.sh: the carried Node (dist/device), then the addon
# built against the machine's PyTorch (LIBTORCH = the torch package directory; direct g++ as bench/engine/device-run.sh).
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
NODE_INC=$(dirname "$(dirname "$(command -v node)")")/include/node
mkdir -p native/build/Release native/build/obj
CFLAGS="-std=c++17 -O2 -fPIC -fexceptions -frtti -DNAPI_VERSION=8 -DNAPI_CPP_EXCEPTIONS -DNODE_ADDON_API_CPP_EXCEPTIONS -I$NODE_INC -Inode_modules/node-addon-api $(node native/torch-config.mjs cflags)"
ls native/src/*.cc | xargs -P "$(nproc)" -I{} sh -c "g++ $CFLAGS -c {} -o native/build/obj/\$(basename {} .cc).o" > "$OUTDIR/build.log" 2>&1 &&
  g++ -shared -o native/build/Release/aa_nas_native.node native/build/obj/*.o $(node native/torch-config.mjs ldflags) $(node native/torch-config.mjs libs) >> "$OUTDIR/build.log" 2>&1
rc=$?
echo "build rc=$rc in $(( $(date +%s) - start ))s"
[ $rc -eq 0 ] || { grep -E "error" "$OUTDIR/build.log" | head -n 20; exit 4; }
