#!/usr/bin/env bash
# Compiles the explorer's load-time bench (tsc → out/perf-web) and runs it; arguments go to load-time.ts.
set -euo pipefail
cd "$(dirname "$0")/../.."
npx tsc -p perf/web/tsconfig.json
node out/perf-web/perf/web/load-time.js "$@"
