#!/usr/bin/env bash
# Compiles the sss campaign bench (tsc → out/perf-sss) and runs it; arguments go to search-campaign.ts.
set -euo pipefail
cd "$(dirname "$0")/../.."
npx tsc -p perf/sss/tsconfig.json
node out/perf-sss/perf/sss/search-campaign.js "$@"
