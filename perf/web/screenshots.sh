#!/usr/bin/env bash
# Compiles perf/web (tsc → out/perf-web) and writes the explorer's screenshots for docs/web.md; arguments go to screenshots.ts.
set -euo pipefail
cd "$(dirname "$0")/../.."
npx tsc -p perf/web/tsconfig.json
node out/perf-web/perf/web/screenshots.js "$@"
