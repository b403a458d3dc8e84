/**
 * Predict benchmark (a script, not a test): `npm run bench` builds and runs dist/bench/predict.bench.js.
 *
 * Workload: a 13-50-50-1 ReLU mean-field Gaussian BNN with fixed sigma (weights from a seeded
 * generator), S = 1000 posterior samples, N = 256 inputs (and N = 1), with y, so mean, variance and
 * the log predictive density are computed and read back. Each strategy — the joint path with the
 * fused kernel, the joint path with materialised weights, and the marginal path (local
 * reparameterisation) — gets one warm-up call (pipeline compilation) and then `--repeats` timed calls;
 * the median is reported, with samples x inputs per second and the time relative to fused. The
 * float64 CPU oracle (src/reference) runs the same workload once as a CPU peer.
 *
 * Options: --samples S (1000), --inputs N (256), --repeats R (5), --seed K (1), --no-oracle,
 * --json <file> (write the results as JSON).
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { GpuContext } from '../src/gpu/device.js';
import { Engine } from '../src/infer/engine.js';
import type { PredictOptions } from '../src/infer/types.js';
import type { Model } from '../src/model/spec.js';
import { adapterLine, median } from './lib/stats.js';
import { mulberry32, syntheticModel } from './lib/synthetic.js';
import { createNodeContext } from '../src/node/device.js';
import { oraclePredict } from '../src/reference/index.js';

const ARCHITECTURE = [13, 50, 50, 1] as const;
const SIGMA = 0.1;

interface Strategy {
  readonly name: string;
  readonly options: Pick<PredictOptions, 'path' | 'kernel'>;
}

const STRATEGIES: readonly Strategy[] = [
  { name: 'joint, fused', options: { path: 'joint', kernel: 'fused' } },
  { name: 'joint, registers', options: { path: 'joint', kernel: 'registers' } },
  { name: 'joint, tiled', options: { path: 'joint', kernel: 'tiled' } },
  { name: 'joint, materialized', options: { path: 'joint', kernel: 'materialized' } },
  { name: 'joint, subgroups', options: { path: 'joint', kernel: 'subgroups' } },
  { name: 'joint, auto', options: { path: 'joint', kernel: 'auto' } },
  { name: 'marginal', options: { path: 'marginal' } },
  // The default: path and kernel both 'auto' (src/infer/predict-options.ts resolvePath, kernel-choice.ts).
  { name: 'auto (path and kernel)', options: {} },
];

interface Measurement {
  readonly strategy: string;
  readonly inputs: number;
  readonly samples: number;
  readonly timesMs: readonly number[];
  readonly medianMs: number;
  readonly sampleInputsPerSecond: number;
  /** medianMs / the fused strategy's medianMs at the same N. */
  readonly relativeToFused: number | null;
  /** The first (warm-up) call, which compiles the pipelines. */
  readonly warmupMs: number;
}

interface OracleMeasurement {
  readonly inputs: number;
  readonly samples: number;
  readonly ms: number;
  readonly sampleInputsPerSecond: number;
}

/** The model: 13-50-50-1, ReLU hidden layers, mean-field Normal posteriors, fixed sigma. */
export function benchModel(seed: number): Model {
  return syntheticModel(ARCHITECTURE, seed, SIGMA);
}

function benchData(n: number, seed: number): { x: number[][]; y: number[][] } {
  const rand = mulberry32(seed);
  const x = Array.from({ length: n }, () => Array.from({ length: ARCHITECTURE[0] }, () => 4 * rand() - 2));
  const y = Array.from({ length: n }, () => [2 * rand() - 1]);
  return { x, y };
}

async function measure(engine: Engine, strategy: Strategy, n: number, samples: number, repeats: number, seed: number): Promise<Omit<Measurement, 'relativeToFused'>> {
  const { x, y } = benchData(n, seed + 1);
  const options: PredictOptions = { samples, seed, y, ...strategy.options };
  const call = async () => {
    const start = performance.now();
    const r = await engine.predict(x, options);
    const ms = performance.now() - start;
    // The statistics are on the CPU now; touch them so a broken run shows up.
    if (!Number.isFinite(r.mean[0]) || !Number.isFinite(r.logPredictiveDensity?.[0])) throw new Error(`${strategy.name}: non-finite result`);
    return ms;
  };
  const warmupMs = await call();
  const timesMs: number[] = [];
  for (let i = 0; i < repeats; i++) timesMs.push(await call());
  const medianMs = median(timesMs);
  return { strategy: strategy.name, inputs: n, samples, timesMs, medianMs, sampleInputsPerSecond: (samples * n) / (medianMs / 1000), warmupMs };
}

function measureOracle(model: Model, n: number, samples: number, seed: number): OracleMeasurement {
  const { x, y } = benchData(n, seed + 1);
  const start = performance.now();
  oraclePredict(model, x, { samples, seed, y });
  const ms = performance.now() - start;
  return { inputs: n, samples, ms, sampleInputsPerSecond: (samples * n) / (ms / 1000) };
}

function fmtRate(v: number): string {
  return v >= 1e9 ? `${(v / 1e9).toFixed(2)} G` : v >= 1e6 ? `${(v / 1e6).toFixed(2)} M` : v >= 1e3 ? `${(v / 1e3).toFixed(2)} k` : v.toFixed(1);
}

function printTable(rows: readonly (readonly string[])[]): void {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  rows.forEach((r, k) => {
    console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  '));
    if (k === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  });
}

function positiveInt(text: string | undefined, fallback: number, name: string): number {
  if (text === undefined) return fallback;
  const v = Number(text);
  if (!Number.isSafeInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer, got '${text}'`);
  return v;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      samples: { type: 'string' },
      inputs: { type: 'string' },
      repeats: { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'string' },
      'no-oracle': { type: 'boolean' },
    },
    strict: true,
  });
  const samples = positiveInt(values.samples, 1000, 'samples');
  const inputs = positiveInt(values.inputs, 256, 'inputs');
  const repeats = positiveInt(values.repeats, 5, 'repeats');
  const seed = values.seed === undefined ? 1 : positiveInt(values.seed, 1, 'seed');
  const model = benchModel(seed);
  const ctx: GpuContext = await createNodeContext();
  console.log(adapterLine(ctx.adapter));
  console.log(`workload: ${ARCHITECTURE.join('-')} ReLU, mean-field Normal posterior, sigma = ${SIGMA}; S = ${samples}; with y (mean, variance, log predictive density read back)`);
  console.log(`timing: 1 warm-up call, then median of ${repeats} calls (wall clock around engine.predict, including read-back)\n`);

  const measurements: Measurement[] = [];
  const engine = Engine.create(ctx, model);
  try {
    for (const n of inputs === 1 ? [1] : [inputs, 1]) {
      const group: Omit<Measurement, 'relativeToFused'>[] = [];
      for (const strategy of STRATEGIES) {
        const m = await measure(engine, strategy, n, samples, repeats, seed);
        // Progress on stderr: a SwiftShader run of the full workload takes minutes.
        console.error(`  ${m.strategy}, N = ${n}: median ${m.medianMs.toFixed(1)} ms (warm-up ${m.warmupMs.toFixed(0)} ms)`);
        group.push(m);
      }
      const fused = group.find((m) => m.strategy === STRATEGIES[0]?.name)?.medianMs ?? null;
      for (const m of group) measurements.push({ ...m, relativeToFused: fused ? m.medianMs / fused : null });
    }
  } finally {
    engine.dispose();
    ctx.destroy();
  }

  printTable([
    ['strategy', 'N', 'S', 'median ms', 'samples x inputs/s', 'time vs fused', 'warm-up ms'],
    ...measurements.map((m) => [
      m.strategy,
      String(m.inputs),
      String(m.samples),
      m.medianMs.toFixed(2),
      fmtRate(m.sampleInputsPerSecond),
      m.relativeToFused === null ? '-' : `${m.relativeToFused.toFixed(2)}x`,
      m.warmupMs.toFixed(0),
    ]),
  ]);

  const oracle: OracleMeasurement[] = [];
  if (!values['no-oracle']) {
    for (const n of inputs === 1 ? [1] : [inputs, 1]) oracle.push(measureOracle(model, n, samples, seed));
    console.log('\nCPU peer: the float64 oracle (src/reference, one call, single-threaded JavaScript)');
    printTable([
      ['oracle', 'N', 'S', 'ms', 'samples x inputs/s', 'oracle time / fused time'],
      ...oracle.map((o) => {
        const fused = measurements.find((m) => m.inputs === o.inputs && m.strategy === STRATEGIES[0]?.name);
        return ['float64 CPU', String(o.inputs), String(o.samples), o.ms.toFixed(1), fmtRate(o.sampleInputsPerSecond), fused ? `${(o.ms / fused.medianMs).toFixed(1)}x` : '-'];
      }),
    ]);
  }

  if (values.json !== undefined) {
    const doc = {
      adapter: ctx.adapter,
      node: process.version,
      date: new Date().toISOString(),
      workload: { architecture: ARCHITECTURE, activation: 'relu', posterior: 'mean-field normal', sigma: SIGMA, samples, inputs, repeats, seed, withY: true },
      results: measurements,
      oracle,
    };
    await writeFile(values.json, JSON.stringify(doc, null, 2) + '\n');
    console.log(`\nwrote ${values.json}`);
  }
}

try {
  await main();
  process.exit(0);
} catch (error) {
  console.error(`predict.bench: ${error instanceof Error ? error.message : String(error)}`);
  if (process.env['DEBUG']) console.error(error);
  process.exit(1);
}
