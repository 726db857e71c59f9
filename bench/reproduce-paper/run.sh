#!/usr/bin/env bash
# Compiles the harness (tsc → out/reproduce-paper) and runs it from the repo root; arguments go to main.ts
# (--runs N, --seed S, --source store|tables, --store PATH, --data DIR, --write-doc, --skip-nats).
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! npx tsc -p bench/reproduce-paper/tsconfig.json; then
  echo "reproduce-paper: tsc reported type errors (above); running the emitted JavaScript anyway" >&2
fi
node out/reproduce-paper/bench/reproduce-paper/main.js "$@"
