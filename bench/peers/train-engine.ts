/**
 * The training workload for webgpu-bnn: the UCI grid-search shape (240 models of 13-50-1 ReLU, MC
 * dropout, each on its own 364 of 455 rows, batch 128, Adam), as bench/train.bench.ts trains it with
 * the default kernel strategy. Timed as the PyTorch peer times itself (src/bench_train_torch.py):
 * after a one-epoch warm-up call (pipeline compilation), one train() call of E epochs whose epochs
 * are timed one by one (onProgress, after each epoch's loss is read back, so each includes its GPU
 * work), its first epoch left out, the median kept; with --repeats R the R calls' epochs are pooled.
 * Per-run setup (uploads, buffers) falls in no epoch, as PyTorch's setup falls in none of its own;
 * T(E)/E, with the setup, is recorded too.
 * Options: --models M (240), --epochs E (12, as PyTorch; FULL=1: 20), --repeats R (1).
 * Writes results/train-engine-node.json.
 */
import { exitWithUsageError, parseBenchArgs } from '../lib/args.js';
import { adapterLine } from '../lib/stats.js';
import { mulberry32 } from '../lib/synthetic.js';
import { createNodeContext } from '../../src/node/device.js';
import { train } from '../../src/train/trainer.js';
import type { TrainOptions } from '../../src/objective/types.js';
import { writeResults } from './lib/node-data.js';

const INPUTS = 13;
const HIDDEN = 50;
const ROWS = 455;
const MODEL_ROWS = 364;

const { values } = parseBenchArgs('peers/train-engine', {
  options: { models: { type: 'string', default: '240' }, epochs: { type: 'string' }, repeats: { type: 'string', default: '1' } },
});
const models = Number(values.models);
const epochs = Number(values.epochs ?? (process.env.FULL === '1' ? 20 : 12));
const repeats = Number(values.repeats);
if (!Number.isSafeInteger(models) || models < 1) exitWithUsageError('peers/train-engine', `--models must be a positive integer, got '${values.models}'`);
if (!Number.isSafeInteger(epochs) || epochs < 2) exitWithUsageError('peers/train-engine', `--epochs must be an integer >= 2, got '${values.epochs}'`);
if (!Number.isSafeInteger(repeats) || repeats < 1) exitWithUsageError('peers/train-engine', `--repeats must be a positive integer, got '${values.repeats}'`);

const rand = mulberry32(3);
const x = Array.from({ length: ROWS }, () => Array.from({ length: INPUTS }, () => 4 * rand() - 2));
const data = { x, y: x.map((r) => Math.sin(r[0] ?? 0) + 0.5 * (r[1] ?? 0) + 0.1 * rand()) };
const arch = { inputDim: INPUTS, hidden: [HIDDEN], activation: 'relu' as const };
const pick = mulberry32(7);
const options = (e: number): TrainOptions => ({
  method: 'mc-dropout',
  epochs: e,
  batchSize: 128,
  lr: 1e-3,
  seed: 11,
  models: Array.from({ length: models }, (_, m) => ({
    rows: Array.from({ length: MODEL_ROWS }, () => Math.floor(pick() * ROWS)),
    dropout: [0.005, 0.01, 0.05, 0.1][m % 4] ?? 0.05,
    tau: [0.25, 0.5, 0.75][m % 3] ?? 0.5,
  })),
});

const ctx = await createNodeContext();
try {
  console.log(adapterLine(ctx.adapter));
  const warmupStart = performance.now();
  await train(ctx, arch, data, options(1));
  const warmupMs = performance.now() - warmupStart;
  const epochMs: number[] = [];
  const callMs: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const ends: number[] = [];
    const t0 = performance.now();
    await train(ctx, arch, data, { ...options(epochs), onProgress: () => ends.push(performance.now()) });
    callMs.push(performance.now() - t0);
    // Each epoch from the second runs from the end of the one before to its own end; the first is left out, as PyTorch leaves out its own.
    epochMs.push(...ends.slice(1).map((end, e) => end - (ends[e] ?? end)));
  }
  const sorted = [...epochMs].sort((a, b) => a - b);
  const msPerEpoch = sorted[Math.floor(sorted.length / 2)]!;
  const manyMs = [...callMs].sort((a, b) => a - b)[Math.floor(repeats / 2)]!;
  console.log(
    `train-engine-node M=${models} epochs=${epochs}: median ${msPerEpoch.toFixed(1)} ms per epoch of ${epochMs.length} (min ${(sorted[0] ?? NaN).toFixed(1)}, max ${(sorted.at(-1) ?? NaN).toFixed(1)}; a call of ${epochs} epochs ${manyMs.toFixed(0)} ms with its setup)`,
  );
  writeResults('train-engine-node', {
    impl: 'train-engine-node',
    models,
    epochs,
    ms_per_epoch: msPerEpoch,
    ms_per_epoch_with_setup: manyMs / epochs,
    warmup_ms: warmupMs,
    many_epochs_ms: manyMs,
    epochs_ms: epochMs,
    adapter: ctx.adapter,
  });
} finally {
  ctx.destroy();
}
