/** Node side: the harness folder, its data files (checked by sha256) and its results folder. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checksumProblem } from './checksum.js';
import { splitDataset, type Dataset, type DatasetMeta, type DatasetName } from './workload.js';

/** dist/bench/peers/lib -> the repository root. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
export const PEERS_DIR = path.join(REPO_ROOT, 'bench', 'peers');
export const RESULTS_DIR = path.join(PEERS_DIR, 'results');

/** The workload's canonical hashes (WORKLOAD.md), so a regenerated file that drifted is caught. */
export const EXPECTED_SHA256: Readonly<Record<DatasetName, string>> = { uci: '83d4d21cbbe009db', wide: 'c57d40a720718e18' };

export function loadDataset(name: DatasetName): Dataset {
  const meta = JSON.parse(readFileSync(path.join(PEERS_DIR, 'data', `${name}.json`), 'utf8')) as DatasetMeta;
  const bytes = readFileSync(path.join(PEERS_DIR, 'data', `${name}.bin`));
  const problem = checksumProblem(name, bytes, EXPECTED_SHA256[name]) ?? checksumProblem(name, bytes, meta.sha256);
  if (problem) throw new Error(problem);
  const f32 = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return splitDataset(meta, f32);
}

export function writeResults(impl: string, records: unknown): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(path.join(RESULTS_DIR, `${impl}.json`), JSON.stringify(records));
}

/** FULL=1 turns the budget rule off (see lib/timing.ts). */
export function timingFromEnv(): { slowMs: number | null } {
  return { slowMs: process.env.FULL === '1' ? null : Number(process.env.SLOW_MS ?? 2000) };
}
