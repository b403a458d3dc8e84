/**
 * Where the marginal path stops paying (a script, not a test): `npm run bench:paths` times the
 * joint path (kernel 'auto') and the marginal path on the predict benchmark's model (13-50-50-1
 * ReLU, S = 1000, no y) at N = 1, 2, 4, ..., and prints each median, their ratio, and what path
 * 'auto' picks (src/infer/predict-options.ts resolvePath), so the rule can be checked against the
 * adapter it runs on.
 *
 * Options: --samples S (1000), --repeats R (5), --max-inputs N (128), --seed K (1).
 */
import { exitWithUsageError, parseBenchArgs } from './lib/args.js';
import { Engine } from '../src/infer/engine.js';
import { AUTO_MARGINAL_MAX_INPUTS } from '../src/infer/predict-options.js';
import type { PredictOptions } from '../src/infer/types.js';
import { createNodeContext } from '../src/node/device.js';
import { adapterLine, median } from './lib/stats.js';
import { mulberry32, syntheticModel } from './lib/synthetic.js';

const ARCHITECTURE = [13, 50, 50, 1] as const;

function positiveInt(text: string | undefined, fallback: number, name: string): number {
  if (text === undefined) return fallback;
  const v = Number(text);
  if (!Number.isSafeInteger(v) || v < 1) exitWithUsageError('path-crossover.bench', `--${name} must be a positive integer, got '${text}'`);
  return v;
}

async function main(): Promise<void> {
  const { values } = parseBenchArgs('path-crossover.bench', {
    options: { samples: { type: 'string' }, repeats: { type: 'string' }, 'max-inputs': { type: 'string' }, seed: { type: 'string' } },
    strict: true,
  });
  const samples = positiveInt(values.samples, 1000, 'samples');
  const repeats = positiveInt(values.repeats, 5, 'repeats');
  const maxInputs = positiveInt(values['max-inputs'], 128, 'max-inputs');
  const seed = positiveInt(values.seed, 1, 'seed');
  const model = syntheticModel(ARCHITECTURE, seed, 0.1);
  const ctx = await createNodeContext();
  console.log(adapterLine(ctx.adapter));
  console.log(`13-50-50-1 ReLU, S = ${samples}, ${repeats} timed calls after a warm-up, medians in ms`);
  const engine = Engine.create(ctx, model);
  const time = async (x: number[][], options: PredictOptions) => {
    await engine.predict(x, options);
    const times: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const start = performance.now();
      await engine.predict(x, options);
      times.push(performance.now() - start);
    }
    return median(times);
  };
  console.log(['N', 'joint', 'marginal', 'marginal/joint', "'auto' picks"].join('\t'));
  const rand = mulberry32(seed + 1);
  for (let n = 1; n <= maxInputs; n *= 2) {
    const x = Array.from({ length: n }, () => Array.from({ length: ARCHITECTURE[0] }, () => 4 * rand() - 2));
    const joint = await time(x, { samples, seed, path: 'joint' });
    const marginal = await time(x, { samples, seed, path: 'marginal' });
    console.log([n, joint.toFixed(1), marginal.toFixed(1), (marginal / joint).toFixed(2), n <= AUTO_MARGINAL_MAX_INPUTS ? 'marginal' : 'joint'].join('\t'));
  }
  engine.dispose();
  ctx.destroy();
}

await main();
