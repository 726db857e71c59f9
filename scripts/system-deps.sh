#!/usr/bin/env bash
# Installs the Debian packages the project and its test suite need. Idempotent: packages already present are skipped.
#   libtorch-dev g++ make       the native addon (built by npm ci)
#   dataset-fashion-mnist       the embedded default dataset (the demo trains on it)
#   redis-server                multi-machine sweeps (BullMQ), and the sweep tests
#   chromium                    the explorer's browser tests (through playwright-core)
#   python3 python3-torch python3-numpy python3-pil bzip2
#                               reference oracles of the tests: PyTorch for parity, CPython's pickle/bz2/random,
#                               PIL to write small datasets in the official formats, the bzip2 tool
#   time                        GNU time: peak RSS of bad-input runs (hardening tests, perf/hardening)
set -euo pipefail
pkgs=(libtorch-dev g++ make dataset-fashion-mnist redis-server chromium python3 python3-torch python3-numpy python3-pil bzip2 time)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  echo "Installing Debian packages: ${missing[*]}" >&2
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
