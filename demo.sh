#!/usr/bin/env bash
# Sets up a fresh Debian machine for aa-nas-bench and runs the main job (the demo) on the embedded Fashion-MNIST.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/system-deps.sh
export AA_NAS_REQUIRE_NATIVE=1
npm ci --no-audit --no-fund
npm run build
npx aa-nas demo "$@"
