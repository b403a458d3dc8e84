/**
 * Training benchmark (a script, not a test): `npm run bench:train` builds and runs
 * dist/bench/train.bench.js.
 *
 * Workload: the UCI grid-search shape — M models (default 240 = 12 grid points x 20 splits) of a
 * 13-50-1 ReLU network, each on its own 364 rows (Boston's 80% part), batch 128, for `--epochs`
 * epochs of 'mc-dropout' (and the other methods with --methods). Each kernel strategy of the trainer
 * ('simple': a thread per row or per parameter; 'tiled' with several tile shapes) runs the same
 * training `--repeats` times, the strategies taking turns, after one warm-up run each (pipeline
 * compilation); the median wall time is printed with model-epochs per second and the ratio to
 * 'simple'. All strategies compute the same
 * maths (test/train/train.gpu.test.ts checks them against the float64 oracle), so only speed differs.
 *
 * Options: --models M (240), --epochs E (3), --repeats R (3), --methods a,b (mc-dropout),
 * --strategies a,b (all: simple, tiled-4x4x4 (the default on a GPU), tiled-8x4x8, tiled-4x8x4, tiled-8x8x8 (on a CPU adapter),
 * any other tiled-RxUxI (a tile of R rows, U units, I inputs), fused (one program a step, 'mc-dropout' and 'map' only: skipped for the other methods)),
 * --adversarial-epsilon e (methods 'ensemble' and 'map': every strategy also runs with adversarial
 * training at e, in the same round robin, and its time is printed against the plain run's),
 * --json <file>.
 */
import { writeFile } from 'node:fs/promises';
import { exitWithUsageError, parseBenchArgs } from './lib/args.js';
import { adapterLine, median } from './lib/stats.js';
import { mulberry32 } from './lib/synthetic.js';
import type { GpuContext } from '../src/gpu/device.js';
import { createNodeContext } from '../src/node/device.js';
import { train } from '../src/train/trainer.js';
import type { TrainMethod, TrainOptions } from '../src/objective/types.js';

const INPUTS = 13;
const HIDDEN = 50;
const ROWS = 455;
const MODEL_ROWS = 364;

interface Strategy {
  readonly name: string;
  readonly options: Pick<TrainOptions, 'kernelStrategy' | 'tile' | 'adversarialEpsilon'>;
  /** For an adversarial twin: the strategy it is compared with. */
  readonly plain?: Strategy;
}

const STRATEGIES: readonly Strategy[] = [
  { name: 'simple', options: { kernelStrategy: 'simple' } },
  { name: 'tiled-4x4x4', options: { kernelStrategy: 'tiled', tile: { rows: 4, units: 4, inputs: 4 } } },
  { name: 'tiled-8x4x8', options: { kernelStrategy: 'tiled', tile: { rows: 8, units: 4, inputs: 8 } } },
  { name: 'tiled-4x8x4', options: { kernelStrategy: 'tiled', tile: { rows: 4, units: 8, inputs: 4 } } },
  { name: 'tiled-8x8x8', options: { kernelStrategy: 'tiled', tile: { rows: 8, units: 8, inputs: 8 } } },
  { name: 'fused', options: { kernelStrategy: 'fused' } },
  { name: 'lanes', options: { kernelStrategy: 'lanes' } },
];

/** A tiled strategy named tiled-RxUxI (rows x units x inputs), or undefined for another name. */
function tiledStrategy(name: string): Strategy | undefined {
  const match = /^tiled-(\d+)x(\d+)x(\d+)$/.exec(name);
  if (!match) return undefined;
  const [rows, units, inputs] = match.slice(1).map(Number) as [number, number, number];
  return { name, options: { kernelStrategy: 'tiled', tile: { rows, units, inputs } } };
}

/** 'fused' and 'lanes' cover 'mc-dropout' and 'map' without adversarial training (src/kernels/train/one-hidden.ts); the others cover every method. */
function covers(strategy: Strategy, method: TrainMethod): boolean {
  const oneProgram = strategy.options.kernelStrategy === 'fused' || strategy.options.kernelStrategy === 'lanes';
  return !oneProgram || ((method === 'mc-dropout' || method === 'map') && strategy.options.adversarialEpsilon === undefined);
}

interface Measurement {
  readonly method: TrainMethod;
  readonly strategy: string;
  readonly timesMs: readonly number[];
  readonly medianMs: number;
  readonly modelEpochsPerSecond: number;
  readonly relativeToSimple: number | null;
  /** An adversarial twin's median over its plain strategy's. */
  readonly relativeToPlain: number | null;
}

function benchData(seed: number): { x: number[][]; y: number[] } {
  const rand = mulberry32(seed);
  const x = Array.from({ length: ROWS }, () => Array.from({ length: INPUTS }, () => 4 * rand() - 2));
  const y = x.map((r) => Math.sin(r[0] ?? 0) + 0.5 * (r[1] ?? 0) + 0.1 * rand());
  return { x, y };
}

function options(method: TrainMethod, models: number, epochs: number, strategy: Strategy): TrainOptions {
  const rand = mulberry32(7);
  return {
    method,
    epochs,
    batchSize: 128,
    lr: 1e-3,
    seed: 11,
    ...strategy.options,
    models: Array.from({ length: models }, (_, m) => ({
      rows: Array.from({ length: MODEL_ROWS }, () => Math.floor(rand() * ROWS)),
      dropout: [0.005, 0.01, 0.05, 0.1][m % 4] ?? 0.05,
      tau: [0.25, 0.5, 0.75][m % 3] ?? 0.5,
    })),
  };
}

/**
 * Times every strategy `repeats` times, round robin (one warm-up run each first), so a machine
 * whose load drifts during the run slows every strategy alike and the ratios stay fair.
 */
async function measureAll(
  ctx: GpuContext,
  method: TrainMethod,
  models: number,
  epochs: number,
  repeats: number,
  strategies: readonly Strategy[],
): Promise<Map<Strategy, number[]>> {
  const data = benchData(3);
  const arch = { inputDim: INPUTS, hidden: [HIDDEN], activation: 'relu' as const };
  const times = new Map<Strategy, number[]>(strategies.map((s) => [s, []]));
  for (const strategy of strategies) await train(ctx, arch, data, { ...options(method, models, epochs, strategy), epochs: 1 });
  for (let r = 0; r < repeats; r++) {
    for (const strategy of strategies) {
      const started = performance.now();
      await train(ctx, arch, data, options(method, models, epochs, strategy));
      times.get(strategy)?.push(performance.now() - started);
    }
  }
  return times;
}

async function main(): Promise<void> {
  const { values } = parseBenchArgs('train.bench', {
    options: {
      models: { type: 'string', default: '240' },
      epochs: { type: 'string', default: '3' },
      repeats: { type: 'string', default: '3' },
      methods: { type: 'string', default: 'mc-dropout' },
      strategies: { type: 'string', default: STRATEGIES.map((s) => s.name).join(',') },
      'adversarial-epsilon': { type: 'string' },
      json: { type: 'string' },
    },
  });
  const models = Number(values.models);
  const epochs = Number(values.epochs);
  const repeats = Number(values.repeats);
  const methods = values.methods.split(',') as TrainMethod[];
  const wanted = values.strategies.split(',');
  const named = wanted.map((w) => STRATEGIES.find((s) => s.name === w) ?? tiledStrategy(w));
  const unknown = wanted.filter((_, i) => named[i] === undefined);
  if (unknown.length > 0) exitWithUsageError('train.bench', `unknown strategies ${unknown.join(', ')}; known: ${STRATEGIES.map((s) => s.name).join(', ')}, or tiled-RxUxI`);
  const plainStrategies = named.filter((s): s is Strategy => s !== undefined);
  const epsilonText = values['adversarial-epsilon'];
  const epsilon = epsilonText === undefined ? undefined : Number(epsilonText);
  if (epsilon !== undefined && !(epsilon > 0)) exitWithUsageError('train.bench', `--adversarial-epsilon must be a positive number, got '${epsilonText}'`);
  if (epsilon !== undefined && methods.some((m) => m !== 'ensemble' && m !== 'map')) throw new Error("--adversarial-epsilon needs --methods from 'ensemble', 'map'");
  const strategies = plainStrategies.flatMap((s): Strategy[] =>
    epsilon === undefined ? [s] : [s, { name: `${s.name}+adv`, options: { ...s.options, adversarialEpsilon: epsilon }, plain: s }],
  );
  const ctx = await createNodeContext();
  try {
    console.log(adapterLine(ctx.adapter));
    console.log(`workload: ${models} models of ${INPUTS}-${HIDDEN}-1 ReLU, ${MODEL_ROWS} rows each, batch 128, ${epochs} epochs; median of ${repeats}`);
    const results: Measurement[] = [];
    for (const method of methods) {
      const methodStrategies = strategies.filter((s) => covers(s, method));
      const times = await measureAll(ctx, method, models, epochs, repeats, methodStrategies);
      const medians = new Map(methodStrategies.map((s) => [s, median(times.get(s) ?? [])]));
      const simple = methodStrategies.find((s) => s.name === 'simple');
      const simpleMs = simple ? (medians.get(simple) ?? null) : null;
      for (const strategy of methodStrategies) {
        const medianMs = medians.get(strategy) ?? NaN;
        const row: Measurement = {
          method,
          strategy: strategy.name,
          timesMs: times.get(strategy) ?? [],
          medianMs,
          modelEpochsPerSecond: (models * epochs) / (medianMs / 1000),
          relativeToSimple: simpleMs === null || strategy.plain ? null : medianMs / simpleMs,
          relativeToPlain: strategy.plain ? medianMs / (medians.get(strategy.plain) ?? NaN) : null,
        };
        results.push(row);
        console.log(
          `${method.padEnd(10)} ${strategy.name.padEnd(16)} median ${(medianMs / 1000).toFixed(2)} s  ${row.modelEpochsPerSecond.toFixed(1)} model-epochs/s` +
            (row.relativeToSimple === null ? '' : `  x${row.relativeToSimple.toFixed(2)} of simple`) +
            (row.relativeToPlain === null ? '' : `  x${row.relativeToPlain.toFixed(2)} of ${strategy.plain?.name ?? ''} without`),
        );
      }
    }
    if (values.json) await writeFile(values.json, JSON.stringify({ adapter: ctx.adapter, models, epochs, repeats, results }, null, 2));
  } finally {
    ctx.destroy();
  }
}

await main();
