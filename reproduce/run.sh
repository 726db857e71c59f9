#!/usr/bin/env bash
# Compiles the harness (tsc → out/reproduce) and runs it from the repo root; arguments go to main.ts
# (--runs N, --seed S, --source store|tables, --store PATH, --data DIR, --write-doc, --skip-nats).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! npx tsc -p reproduce/tsconfig.json; then
  echo "reproduce: tsc reported type errors (above); running the emitted JavaScript anyway" >&2
fi
node out/reproduce/reproduce/main.js "$@"
