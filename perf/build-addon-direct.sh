#!/usr/bin/env bash
# Builds the addon with g++ directly, without npm/node-gyp (device machines carry only Node): the same sources and flags
# as scripts/build-native.mjs (from native/torch-config.mjs, LIBTORCH as set by the caller). Compiler output goes to the
# file named by $1; the exit status is the build's.
#   bash perf/build-addon-direct.sh "$OUTDIR/build.log"
set -u
log=$1
cd "$(dirname "$0")/.."
NODE_INC=$(dirname "$(dirname "$(command -v node)")")/include/node
mkdir -p native/build/Release native/build/obj
CFLAGS="-std=c++17 -O2 -fPIC -fexceptions -frtti -DNAPI_VERSION=8 -DNAPI_CPP_EXCEPTIONS -DNODE_ADDON_API_CPP_EXCEPTIONS -I$NODE_INC -Inode_modules/node-addon-api $(node native/torch-config.mjs cflags)"
ls native/src/*.cc | xargs -P "$(nproc)" -I{} sh -c "g++ $CFLAGS -c {} -o native/build/obj/\$(basename {} .cc).o" > "$log" 2>&1 &&
  g++ -shared -o native/build/Release/aa_nas_native.node native/build/obj/*.o $(node native/torch-config.mjs ldflags) $(node native/torch-config.mjs libs) >> "$log" 2>&1
