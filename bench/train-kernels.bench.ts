/**
 * Where a training step's time goes (a script, not a test): `node dist/bench/train-kernels.bench.js`
 * plans and initialises a training run of the UCI grid shape (bench/train.bench.ts's workload: M
 * models of 13-50-1 ReLU, 364 rows each, batch 128, MC dropout) and times its step's programs, the
 * whole step and then each program dispatched alone, `--repeats` steps each after a warm-up,
 * through the trainer's own recorder (src/train/init.ts). A program alone runs on whatever the
 * buffers hold, so its time is what its dispatch costs, not a result.
 *
 * Options: --models M (240), --strategy tiled|simple|fused|lanes (tiled), --method mc-dropout|map
 * (mc-dropout), --repeats R (6).
 */
import { exitWithUsageError, parseBenchArgs } from './lib/args.js';
import { adapterLine, median } from './lib/stats.js';
import { mulberry32 } from './lib/synthetic.js';
import { isCpuAdapter } from '../src/infer/kernel-choice.js';
import { createNodeContext } from '../src/node/device.js';
import type { Program } from '../src/kernels/program.js';
import type { KernelStrategy, TrainMethod } from '../src/objective/types.js';
import { disposeTraining, init } from '../src/train/init.js';
import { planTraining } from '../src/train/plan.js';
import type { TrainState } from '../src/train/state.js';

const INPUTS = 13;
const HIDDEN = 50;
const ROWS = 455;
const MODEL_ROWS = 364;

const { values } = parseBenchArgs('train-kernels.bench', {
  options: {
    models: { type: 'string', default: '240' },
    strategy: { type: 'string', default: 'tiled' },
    method: { type: 'string', default: 'mc-dropout' },
    repeats: { type: 'string', default: '6' },
  },
});
const models = Number(values.models);
const repeats = Number(values.repeats);
if (!Number.isSafeInteger(models) || models < 1) exitWithUsageError('train-kernels.bench', `--models must be a positive integer, got '${values.models}'`);
if (!Number.isSafeInteger(repeats) || repeats < 1) exitWithUsageError('train-kernels.bench', `--repeats must be a positive integer, got '${values.repeats}'`);

const rand = mulberry32(3);
const x = Array.from({ length: ROWS }, () => Array.from({ length: INPUTS }, () => 4 * rand() - 2));
const data = { x, y: x.map((r) => Math.sin(r[0] ?? 0) + 0.5 * (r[1] ?? 0) + 0.1 * rand()) };
const pick = mulberry32(7);
const options = {
  method: values.method as TrainMethod,
  epochs: 1,
  batchSize: 128,
  lr: 1e-3,
  seed: 11,
  kernelStrategy: values.strategy as KernelStrategy,
  models: Array.from({ length: models }, (_, m) => ({
    rows: Array.from({ length: MODEL_ROWS }, () => Math.floor(pick() * ROWS)),
    dropout: [0.005, 0.01, 0.05, 0.1][m % 4] ?? 0.05,
    tau: [0.25, 0.5, 0.75][m % 3] ?? 0.5,
  })),
};

/** Milliseconds per step of `programs`, the median over `repeats` single-step submits. */
async function time(state: TrainState, programs: readonly Program<void>[]): Promise<number> {
  const once = async () => {
    await state.recorder.begin({ t: 0, epoch: 0, stepInEpoch: 0, lr: options.lr, seedLo: state.key[0], seedHi: state.key[1] });
    for (const program of programs) state.recorder.dispatch(program, undefined);
    await state.recorder.flush();
    await state.ctx.waitFor(state.ctx.device.queue.onSubmittedWorkDone());
  };
  await once();
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const started = performance.now();
    await once();
    times.push(performance.now() - started);
  }
  return median(times);
}

const ctx = await createNodeContext();
try {
  console.log(adapterLine(ctx.adapter));
  const arch = { inputDim: INPUTS, hidden: [HIDDEN], activation: 'relu' as const };
  const state = await init(ctx, planTraining(ctx.limits, arch, data, options, { cpu: isCpuAdapter(ctx) }));
  try {
    console.log(`${models} models of ${INPUTS}-${HIDDEN}-1, ${options.method}, batch 128, strategy ${values.strategy}: median ms per step of ${repeats}`);
    console.log(`whole step: ${(await time(state, state.step)).toFixed(1)} ms`);
    for (const program of state.step) console.log(`  ${program.name}: ${(await time(state, [program])).toFixed(1)} ms`);
  } finally {
    disposeTraining(state);
  }
} finally {
  ctx.destroy();
}
