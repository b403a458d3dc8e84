/**
 * The training workload for webgpu-bnn: the UCI grid-search shape (240 models of 13-50-1 ReLU, MC
 * dropout, each on its own 364 of 455 rows, batch 128, Adam), as bench/train.bench.ts trains it with
 * the default kernel strategy. Seconds per epoch = (T(E epochs) - T(1 epoch)) / (E - 1) after a
 * one-epoch warm-up (pipeline compilation), so the per-run setup (uploads, buffers) is not counted,
 * as PyTorch's per-epoch loop does not count its setup; T(E)/E is recorded too.
 * The pair T(1), T(E) is timed --repeats times and the median per-epoch figure kept (one pair moved
 * by 10-20% between runs on a shared 2-core machine).
 * Options: --models M (240), --epochs E (4; FULL=1: 6), --repeats R (3). Writes results/train-engine-node.json.
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
  options: { models: { type: 'string', default: '240' }, epochs: { type: 'string' }, repeats: { type: 'string', default: '3' } },
});
const models = Number(values.models);
const epochs = Number(values.epochs ?? (process.env.FULL === '1' ? 6 : 4));
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
  const timed = async (e: number) => {
    const t0 = performance.now();
    await train(ctx, arch, data, options(e));
    return performance.now() - t0;
  };
  const warmupMs = await timed(1);
  const pairs: { oneMs: number; manyMs: number; msPerEpoch: number }[] = [];
  for (let r = 0; r < repeats; r++) {
    const oneMs = await timed(1);
    const manyMs = await timed(epochs);
    pairs.push({ oneMs, manyMs, msPerEpoch: (manyMs - oneMs) / (epochs - 1) });
  }
  const median = [...pairs].sort((a, b) => a.msPerEpoch - b.msPerEpoch)[Math.floor(repeats / 2)]!;
  const { oneMs, manyMs, msPerEpoch } = median;
  const all = pairs.map((p) => p.msPerEpoch.toFixed(1)).join(', ');
  console.log(
    `train-engine-node M=${models} epochs=${epochs}: median ${msPerEpoch.toFixed(1)} ms per epoch of ${repeats} (${all}; median pair T(1) ${oneMs.toFixed(0)} ms, T(${epochs}) ${manyMs.toFixed(0)} ms)`,
  );
  writeResults('train-engine-node', {
    impl: 'train-engine-node',
    models,
    epochs,
    ms_per_epoch: msPerEpoch,
    ms_per_epoch_with_setup: manyMs / epochs,
    warmup_ms: warmupMs,
    one_epoch_ms: oneMs,
    many_epochs_ms: manyMs,
    repeats_ms_per_epoch: pairs.map((p) => p.msPerEpoch),
    adapter: ctx.adapter,
  });
} finally {
  ctx.destroy();
}
