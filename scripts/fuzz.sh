#!/usr/bin/env bash
# The GPU-vs-oracle fuzz test (test/infer/fuzz.gpu.test.ts) on demand, at any size:
#   npm run fuzz -- [--cases N] [--seed S]
# runs N random architectures (default 1000) from seed S (default 1000; CI runs seeds 1..20) through
# every path and kernel and prints one summary line: cases, comparisons, elements, how many were out
# of their bound, and the worst |gpu - oracle| / bound. Exits non-zero if any case failed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

cases=1000
seed=1000
while [[ $# -gt 0 ]]; do
  case "$1" in
    --cases) cases="${2:?--cases needs a number}"; shift 2 ;;
    --seed) seed="${2:?--seed needs a number}"; shift 2 ;;
    -h|--help) sed -n '2,6p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "fuzz: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$cases" =~ ^[1-9][0-9]*$ ]] || { echo "fuzz: --cases must be a positive integer, got '$cases'" >&2; exit 2; }
[[ "$seed" =~ ^[0-9]+$ ]] || { echo "fuzz: --seed must be a non-negative integer, got '$seed'" >&2; exit 2; }

BNN_FUZZ_CASES="$cases" BNN_FUZZ_SEED="$seed" BNN_REQUIRE_GPU=1 npx vitest run test/infer/fuzz.gpu.test.ts --reporter=dot
