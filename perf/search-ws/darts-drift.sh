#!/usr/bin/env bash
# The long DARTS-V1 CPU run (hours; outside CI). Compiles the driver and runs it; extra arguments go to
# darts-drift.ts (e.g. --subset 6400 --C 8 --N 2 --epochs 50 --threads 2). Resumable: rerun with --resume.
#   perf/search-ws/darts-drift.sh --save-dir runs/darts-drift --out runs/darts-drift.json [options] | tee runs/darts-drift.log
set -euo pipefail
cd "$(dirname "$0")/../.."
npx tsc -p perf/search-ws/tsconfig.json
node dist/perf-search-ws/perf/search-ws/darts-drift.js "$@"
