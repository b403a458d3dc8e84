// Writes data/<dataset>.bin and data/<dataset>.json (deterministic; see WORKLOAD.md).
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { DATASETS, SIGMA, generateDataset, layout } from './workload.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
fs.mkdirSync(path.join(root, 'data'), { recursive: true });
for (const name of Object.keys(DATASETS)) {
  const d = generateDataset(name);
  const parts = [d.mu, d.rho, d.X, d.y];
  const total = parts.reduce((a, p) => a + p.length, 0);
  const all = new Float32Array(total);
  let o = 0;
  for (const p of parts) {
    all.set(p, o);
    o += p.length;
  }
  const buf = Buffer.from(all.buffer);
  fs.writeFileSync(path.join(root, 'data', `${name}.bin`), buf);
  const meta = {
    name,
    layers: d.layers,
    N: d.N,
    P: d.P,
    sigma: SIGMA,
    seed: DATASETS[name].seed,
    layout: layout(d.layers).layers,
    sha256: crypto.createHash('sha256').update(buf).digest('hex'),
  };
  fs.writeFileSync(path.join(root, 'data', `${name}.json`), JSON.stringify(meta, null, 1));
  console.log(`data/${name}.bin  P=${d.P} N=${d.N} floats=${total} sha256=${meta.sha256.slice(0, 16)}`);
}
