#!/usr/bin/env bash
# Makes `npm start` and `npm test` work on a fresh clone: installs the system packages WebGPU needs
# (scripts/setup.sh, only if missing) and the npm dependencies (`npm ci`, only if node_modules is
# missing or older than package-lock.json). With the argument `test` (npm test) it also checks for
# the Python exporter tests' python3-torch and python3-numpy, which `npm start` does not need.
# Quiet when there is nothing to do.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

needs_setup=false
if ! dpkg -s libvulkan1 >/dev/null 2>&1 || [ ! -e /usr/lib/chromium/vk_swiftshader_icd.json ]; then
  needs_setup=true
fi
if [ "${1:-}" = test ]; then
  for package in python3-torch python3-numpy; do
    if ! dpkg -s "$package" >/dev/null 2>&1; then needs_setup=true; fi
  done
fi
if [ "$needs_setup" = true ]; then
  bash scripts/setup.sh
fi
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "bootstrap: installing npm dependencies (npm ci)" >&2
  npm ci --no-audit --no-fund >&2
fi
