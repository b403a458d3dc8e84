/**
 * The UCI protocol keys each model by its identity (bench/uci/identity.ts), so a split's result is
 * the same bit for bit however its models are cut into train() calls (--max-models-per-call) and
 * whichever other splits run beside it. Tiny synthetic folder in the UCI layout: 40 rows, 2 splits
 * of 32 / 8, 8 hidden units, a few epochs. Exact equality is the answer: the same draws and float32
 * operations give the same bits, and a slot-keyed stream changes every score.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadUciDataset, type UciDataset } from '../../bench/uci/dataset.js';
import { runUciProtocol, type UciRun, type UciRunOptions } from '../../bench/uci/protocol.js';
import { describeGpu, gpu } from '../support/gpu.js';
import { testRng } from '../support/model-builders.js';

const ROWS = 40;
let dir = '';
let dataset: UciDataset | null = null;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'webgpu-bnn-uci-grouping-'));
  const rand = testRng(5);
  const rows = Array.from({ length: ROWS }, () => {
    const a = 2 * rand() - 1;
    const b = 2 * rand() - 1;
    return `${a.toFixed(5)} ${b.toFixed(5)} ${(3 * a - 2 * b * b + 0.1 * rand()).toFixed(5)}`;
  });
  const files: Record<string, string> = {
    'data.txt': rows.join('\n') + '\n',
    'index_features.txt': '0\n1\n',
    'index_target.txt': '2\n',
    'n_splits.txt': '2\n',
    'n_hidden.txt': '8\n',
    'n_epochs.txt': '1\n',
    'dropout_rates.txt': '0.01 0.05\n',
    'tau_values.txt': '4.0\n',
  };
  for (let k = 0; k < 2; k++) {
    const order = Array.from({ length: ROWS }, (_, i) => (i * (k === 0 ? 7 : 13) + k) % ROWS);
    files[`index_train_${k}.txt`] = order.slice(0, 32).join('\n') + '\n';
    files[`index_test_${k}.txt`] = order.slice(32).join('\n') + '\n';
  }
  for (const [file, text] of Object.entries(files)) await writeFile(join(dir, file), text);
  dataset = await loadUciDataset(dir);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Each split's choice, validation scores and test scores. */
const results = (run: UciRun) => run.splits.map((s) => ({ split: s.split, chosen: s.chosen, validation: s.validation, rmse: s.rmse, ll: s.ll }));

describeGpu('UCI results do not depend on how splits are grouped into train() calls', () => {
  it.each<[string, UciRunOptions]>([
    ['ensemble', { method: 'ensemble', members: 2, epochs: 3 }],
    ['mc-dropout', { method: 'mc-dropout', lr: 3e-2, epochs: 3, samples: 32 }],
  ])('%s: one model per call, all in one call, and split 0 alone give the same numbers', async (_name, options) => {
    const ctx = gpu!;
    const together = await runUciProtocol(ctx, dataset!, options);
    const oneByOne = await runUciProtocol(ctx, dataset!, { ...options, maxModelsPerCall: 1 });
    const first = await runUciProtocol(ctx, dataset!, { ...options, splits: 1 });
    expect(oneByOne.timing.trainCalls.length).toBeGreaterThan(together.timing.trainCalls.length);
    expect(results(oneByOne)).toEqual(results(together));
    expect(results(first)).toEqual(results(together).slice(0, 1));
    expect(together.splits.every((s) => Number.isFinite(s.ll))).toBe(true);
  });
});
