#!/usr/bin/env bash
# The query-only install, as a library user meets it (issue #19): `npm pack` of @aa-nas/core, `npm install` of the
# tarball into a fresh project with an empty npm cache and no libtorch on the path, then a 5-line script that opens a
# store and queries it. Prints the install's wall time, what it compiled (every native build directory under
# node_modules), the size of node_modules, and the script's answer next to the CLI's for the same query.
# Needs `npm run build` first (the tarball packs dist/). Usage: bash perf/core-install/install.sh [scratch dir]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
W="${1:-$(mktemp -d /tmp/aa-nas-core-install-XXXXXX)}"
mkdir -p "$W"
cd "$W"

# a store to query: the 3 real NATS-Bench sample records
node "$ROOT/packages/cli/dist/main.js" import "$ROOT/test/fixtures/reference/nats-tss-v1_0-3ffb9-simple-sample" --out "$W/bench.sqlite" --no-progress >/dev/null

(cd "$ROOT" && npm pack -w @aa-nas/core --pack-destination "$W" --silent) >/dev/null
TARBALL="$(ls "$W"/aa-nas-core-*.tgz)"
mkdir -p project && cd project
printf '{ "name": "consumer", "version": "1.0.0", "type": "module", "private": true }\n' > package.json

# a fresh cache, so nothing is reused from this machine's earlier installs; LIBTORCH unset and no libtorch in the path
export npm_config_cache="$W/npm-cache"
unset LIBTORCH
START=$(date +%s.%N)
npm install --no-audit --no-fund --loglevel=error "$TARBALL" > "$W/npm-install.log" 2>&1
END=$(date +%s.%N)

cat > query.mjs <<'EOF'
import { NasBench } from "@aa-nas/core/bench";
const bench = NasBench.open(process.argv[2]);
console.log(JSON.stringify(bench.getMoreInfo(0, "cifar10", { hp: "200", trial: "mean" })));
bench.close();
EOF
LIB="$(node query.mjs "$W/bench.sqlite")"
CLI="$(node "$ROOT/packages/cli/dist/main.js" query 0 --bench "$W/bench.sqlite" --dataset cifar10 --hp 200 --trial mean --json)"

echo "tarball: $(basename "$TARBALL"), $(stat -c %s "$TARBALL") bytes"
echo "npm install wall: $(awk -v a="$START" -v b="$END" 'BEGIN { printf "%.1f", b - a }') s (nproc $(nproc), load $(cut -d' ' -f1-3 /proc/loadavg))"
echo "native build directories under node_modules:"
find node_modules -type d -name Release -path '*build*' | sed 's/^/  /'
echo "node_modules: $(du -sb node_modules | cut -f1) bytes ($(du -sh node_modules | cut -f1)); largest:"
du -sb node_modules/* node_modules/@*/* 2>/dev/null | sort -rn | head -6 | awk '{ printf "  %8.1f MB  %s\n", $1 / 1e6, $2 }'
echo "packages installed: $(find node_modules -maxdepth 3 -name package.json -not -path '*/node_modules/*/node_modules/*' | wc -l)"
echo "5-line script: $LIB"
if [ "$(node -e 'const [a,b]=process.argv.slice(1).map(JSON.parse);console.log(a.testAccuracy===b["test-accuracy"] && a.trainLoss===b["train-loss"])' "$LIB" "$CLI")" = true ]; then
  echo "equals the CLI's answer: yes"
else
  echo "equals the CLI's answer: NO"; echo "CLI: $CLI"; exit 1
fi

# --- second install: prebuilt better-sqlite3, as where GitHub's release assets download ---
BSQ_VERSION="$(node -p 'require("./node_modules/better-sqlite3/package.json").version')"
ASSET_DIR="$W/mirror/v$BSQ_VERSION"
mkdir -p "$ASSET_DIR"
ASSET="better-sqlite3-v$BSQ_VERSION-node-v$(node -p process.versions.modules)-linux-$(node -p process.arch).tar.gz"
tar -C node_modules/better-sqlite3 -czf "$ASSET_DIR/$ASSET" build/Release/better_sqlite3.node
PORT="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
python3 -m http.server --bind 127.0.0.1 --directory "$W/mirror" "$PORT" > "$W/mirror.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
sleep 1
mkdir -p "$W/project-prebuilt" && cd "$W/project-prebuilt"
cp ../project/package.json ../project/query.mjs .
export npm_config_cache="$W/npm-cache-prebuilt"
START=$(date +%s.%N)
npm_config_better_sqlite3_binary_host="http://127.0.0.1:$PORT" \
  npm install --no-audit --no-fund --loglevel=error "$TARBALL" > "$W/npm-install-prebuilt.log" 2>&1
END=$(date +%s.%N)
LIB2="$(node query.mjs "$W/bench.sqlite")"
echo
echo "prebuilt install (release asset $ASSET, $(stat -c %s "$ASSET_DIR/$ASSET") bytes, from a loopback mirror):"
echo "  asset requests served: $(grep -c "GET /v$BSQ_VERSION/$ASSET HTTP/1.1\" 200" "$W/mirror.log")"
echo "  npm install wall: $(awk -v a="$START" -v b="$END" 'BEGIN { printf "%.1f", b - a }') s (load $(cut -d' ' -f1-3 /proc/loadavg))"
echo "  compiled: $(if [ -d node_modules/better-sqlite3/build/Release/obj.target ]; then echo "better-sqlite3 (fell back to source)"; else echo nothing; fi)"
echo "  node_modules: $(du -sb node_modules | cut -f1) bytes ($(du -sh node_modules | cut -f1)); better-sqlite3 $(du -sb node_modules/better-sqlite3 | cut -f1) bytes"
if [ "$LIB2" = "$LIB" ]; then echo "  5-line script: same answer"; else echo "  5-line script: DIFFERENT: $LIB2"; exit 1; fi
