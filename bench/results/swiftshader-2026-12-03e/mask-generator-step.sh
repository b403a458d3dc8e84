#!/usr/bin/env bash
# What a cheaper dropout-mask generator would buy the UCI grid's training step (stop 37, issue 17):
# an experiment, not a feature. It copies the built dist/ into .mask-generator-tmp/ at the
# repository root, swaps the lanes trainer's mask draws (philox4x32 in
# dist/src/kernels/train/lanes.js) for another generator defined in the copy's WGSL library, and
# times the step with bench/train-kernels.bench.ts, alternating the variants. Run from the
# repository root after `npm run -s build`:
#   bash bench/results/swiftshader-2026-12-03e/mask-generator-step.sh [turns]
set -euo pipefail
turns="${1:-2}"
export VK_ICD_FILENAMES="${VK_ICD_FILENAMES:-/usr/lib/chromium/vk_swiftshader_icd.json}"
tmp=.mask-generator-tmp
trap 'rm -rf "$tmp"' EXIT
make_variant() {
  local name="$1" fn="$2"
  rm -rf "$tmp/$name" && mkdir -p "$tmp/$name" && cp -r dist "$tmp/$name/dist"
  python3 - "$tmp/$name/dist" "$fn" <<'PY'
import re, sys
root, fn = sys.argv[1], sys.argv[2]
lib = root + '/src/kernels/wgsl.generated.js'
s = open(lib).read()
# Philox4x32-7: lib/philox's first 7 rounds, round keys and all (the bundle escapes its newlines).
rounds = re.findall(r'x = philox_round\(x, key\.x \+ 0x[0-9a-f]+u, key\.y \+ 0x[0-9a-f]+u\);', s)
assert len(rounds) == 10, len(rounds)
philox7 = 'fn philox4x32_7(counter: vec4<u32>, key: vec2<u32>) -> vec4<u32> {\n  var x = counter;\n' + ''.join('  ' + r + '\n' for r in rounds[:7]) + '  return x;\n}\n'
extra = philox7 + r'''
fn pcg4d(counter: vec4<u32>, key: vec2<u32>) -> vec4<u32> {
  var v = (counter ^ vec4<u32>(key, key)) * 1664525u + 1013904223u;
  v.x += v.y * v.w; v.y += v.z * v.x; v.z += v.x * v.y; v.w += v.y * v.z;
  v ^= v >> vec4<u32>(16u);
  v.x += v.y * v.w; v.y += v.z * v.x; v.z += v.x * v.y; v.w += v.y * v.z;
  return v;
}
fn no_generator(counter: vec4<u32>, key: vec2<u32>) -> vec4<u32> {
  return counter * 2654435761u;
}
'''
extra = extra.replace('\n', '\\n')
anchor = 'fn philox4x32(counter: vec4<u32>, key: vec2<u32>) -> vec4<u32> {'
assert s.count(anchor) == 1
open(lib, 'w').write(s.replace(anchor, extra + anchor))
lanes = root + '/src/kernels/train/lanes.js'
s = open(lanes).read()
old = 'let words${k} = philox4x32('
assert s.count(old) == 1
open(lanes, 'w').write(s.replace(old, 'let words${k} = ' + fn + '('))
PY
}
make_variant philox10 philox4x32
make_variant philox7 philox4x32_7
make_variant pcg4d pcg4d
make_variant none no_generator
uptime
for turn in $(seq 1 "$turns"); do
  for v in philox10 philox7 pcg4d none; do
    printf '%s turn %s: ' "$v" "$turn"
    node "$tmp/$v/dist/bench/train-kernels.bench.js" --strategy lanes --method mc-dropout --repeats 6 | grep 'whole step'
  done
  printf 'map (no masks) turn %s: ' "$turn"
  node dist/bench/train-kernels.bench.js --strategy lanes --method map --repeats 6 | grep 'whole step'
done
