// Node-side loader for data/<dataset>.{bin,json}.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { splitDatasetBuffer, DATASETS, CONFIGS } from './workload.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function loadDataset(name) {
  const meta = JSON.parse(fs.readFileSync(path.join(ROOT, 'data', `${name}.json`), 'utf8'));
  const b = fs.readFileSync(path.join(ROOT, 'data', `${name}.bin`));
  const f32 = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  return { meta, ...splitDatasetBuffer(meta, f32) };
}

// Inputs for one config: first N rows of X and y.
export function configInputs(ds, cfg) {
  const din = ds.meta.layers[0],
    dout = ds.meta.layers[ds.meta.layers.length - 1];
  return { X: ds.X.slice(0, cfg.N * din), y: ds.y.slice(0, cfg.N * dout), din, dout };
}

export function writeResults(impl, records) {
  fs.mkdirSync(path.join(ROOT, 'results'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, 'results', `${impl}.json`), JSON.stringify(records));
}

// --configs A-uci-N1,B-wide-N64 (default: all)
export function selectedConfigs(argv = process.argv) {
  const i = argv.indexOf('--configs');
  if (i < 0) return CONFIGS;
  const ids = argv[i + 1].split(',');
  return CONFIGS.filter((c) => ids.includes(c.id));
}
export { DATASETS, CONFIGS };

// Timing options for Node runners (see timing.js): FULL=1 -> full protocol everywhere.
export function timingOpts() {
  return { slowMs: process.env.FULL === '1' ? null : Number(process.env.SLOW_MS ?? 2000) };
}
