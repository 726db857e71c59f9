#!/usr/bin/env bash
# Compiles the explorer's load-time bench (tsc → out/web-bench) and runs it; arguments go to load-time.ts.
set -euo pipefail
cd "$(dirname "$0")/../.."
npx tsc -p bench/web/tsconfig.json
node out/web-bench/bench/web/load-time.js "$@"
