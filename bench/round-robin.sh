#!/usr/bin/env bash
# Before/after speed of two checkouts in one run (a script, not a test): the predict and training
# benchmarks of each, taking turns, for ROUNDS rounds, so both see the same machine load.
#   bench/round-robin.sh <before-checkout> <after-checkout> [rounds=3] [out-dir=bench-round-robin]
# Each checkout must have been built (npm run build: dist/bench/*.bench.js). Prints the median over
# rounds of each strategy's median time, before and after, and their ratio (after / before).
set -euo pipefail
before=$(cd "$1" && pwd); after=$(cd "$2" && pwd); rounds=${3:-3}; out=${4:-bench-round-robin}
mkdir -p "$out"; out=$(cd "$out" && pwd)
export VK_ICD_FILENAMES=${VK_ICD_FILENAMES:-/usr/lib/chromium/vk_swiftshader_icd.json}
for ((r = 1; r <= rounds; r++)); do
  for side in before after; do
    dir=$before; [ "$side" = after ] && dir=$after
    echo "round $r/$rounds: $side ($dir)" >&2
    (cd "$dir" && node dist/bench/predict.bench.js --no-oracle --repeats 3 --json "$out/predict-$side-$r.json" > /dev/null)
    (cd "$dir" && node dist/bench/train.bench.js --strategies simple,tiled-4x4x4 --repeats 3 --json "$out/train-$side-$r.json" > /dev/null)
  done
done
node - "$out" "$rounds" <<'JS'
const fs = require('node:fs');
const [dir, rounds] = [process.argv[2], Number(process.argv[3])];
const median = (v) => { const s = [...v].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
for (const bench of ['predict', 'train']) {
  const times = { before: new Map(), after: new Map() };
  for (const side of ['before', 'after'])
    for (let r = 1; r <= rounds; r++)
      for (const row of JSON.parse(fs.readFileSync(`${dir}/${bench}-${side}-${r}.json`, 'utf8')).results) {
        const key = bench === 'predict' ? `${row.strategy}, N = ${row.inputs}` : `${row.method ?? ''} ${row.strategy}`.trim();
        const t = row.medianMs ?? row.medianSeconds * 1000;
        times[side].set(key, [...(times[side].get(key) ?? []), t]);
      }
  console.log(`${bench}: median over ${rounds} rounds of each run's median, ms`);
  for (const [key, b] of times.before) {
    const a = times.after.get(key);
    if (!a) continue;
    console.log(`  ${key.padEnd(36)} before ${median(b).toFixed(1).padStart(9)}  after ${median(a).toFixed(1).padStart(9)}  after/before ${(median(a) / median(b)).toFixed(3)}`);
  }
}
JS
