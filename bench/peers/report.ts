/**
 * Prints the peer benchmark's tables from bench/peers/results/*.json (lib/report.ts) and writes
 * them to results/table.md; --json FILE also writes every cell, the peaks, the training times and
 * the adapters as JSON. Run by main.ts after the implementations; alone: node dist/bench/peers/report.js.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseBenchArgs } from '../lib/args.js';
import { buildCells, peakTable, predictTables, trainTable, type PeakRecord, type Reference, type ResultRecord, type TrainRecord } from './lib/report.js';
import { PEERS_DIR, RESULTS_DIR } from './lib/node-data.js';
import { DATASETS } from './lib/workload.js';

const { values } = parseBenchArgs('peers/report', { options: { json: { type: 'string' } } });

const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));
const records: ResultRecord[] = [];
const peaks: PeakRecord[] = [];
const train: TrainRecord[] = [];
let chromium: unknown = null;
const files = existsSync(RESULTS_DIR) ? readdirSync(RESULTS_DIR).filter((f) => f.endsWith('.json') && f !== 'summary.json') : [];
for (const f of files.sort()) {
  const content = readJson(path.join(RESULTS_DIR, f));
  if (f === 'chromium-status.json') chromium = content;
  else if (f.startsWith('train-')) train.push(content as TrainRecord);
  else if (f.startsWith('wgsl-peak-')) peaks.push(...(content as PeakRecord[]));
  else records.push(...(content as ResultRecord[]));
}
const refs: Partial<Record<string, Reference>> = {};
for (const name of Object.keys(DATASETS)) {
  const file = path.join(PEERS_DIR, 'data', `ref_${name}.json`);
  if (existsSync(file)) refs[name] = readJson(file) as Reference;
}

const adapters = new Map<string, string>();
for (const r of records) if (r.extra?.adapter) adapters.set(r.impl.endsWith('-chromium') ? 'Chromium' : 'Node (dawn.node)', JSON.stringify(r.extra.adapter));
const page = (chromium as { page?: { adapter?: unknown; userAgent?: string } } | null)?.page;
if (page?.adapter) adapters.set('Chromium', JSON.stringify(page.adapter));

const cells = buildCells(records, peaks, refs);
const text = [
  'Per predictive call: median wall ms (upload of X and y, the GPU or CPU work, read-back of mean, variance and LPD); * = 2 warm-up + 3 timed (first call > 2 s), ** = 1 + 1 (first call > 8 s); FULL=1 runs the full protocol.',
  'vs PyTorch = time / PyTorch CPU time in the same run (< 1 is faster). GFLOP/s nominal (WORKLOAD.md). of FMA peak: GFLOP/s over the FMA-peak WGSL kernel on the same runtime and adapter (GPU implementations only).',
  'peak GPU bytes: webgpu-bnn engine.resources.bytes after the calls (parameters + grow-only scratch; the read-back staging buffer is not counted).',
  '',
  ...[...adapters].map(([runtime, a]) => `adapter, ${runtime}: ${a}`),
  ...(page?.userAgent ? [`Chromium: ${page.userAgent}`] : []),
  '',
  predictTables(cells),
  '',
  peaks.length > 0 ? `FMA-peak kernel:\n\n${peakTable(peaks)}` : 'FMA-peak kernel: no result',
  '',
  train.length > 0 ? `Training, UCI grid shape (240 models of 13-50-1, 364 rows each, batch 128, MC dropout):\n\n${trainTable(train)}` : 'Training: no result',
].join('\n');
console.log(text);
writeFileSync(path.join(RESULTS_DIR, 'table.md'), text + '\n');
if (values.json) writeFileSync(values.json, JSON.stringify({ adapters: Object.fromEntries(adapters), chromium, cells, peaks, train }, null, 1));
