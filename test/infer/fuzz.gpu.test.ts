/**
 * Fuzz: random architectures (test/support/fuzz-cases.ts) on the GPU against the float64 oracle, every
 * path and kernel, per-sample outputs and every statistic, each element held to its derived
 * forward error bound (test/support/error-bound.ts states the rule) by the NaN-strict comparison of
 * test/support/all-close.ts.
 *
 * Size: BNN_FUZZ_CASES cases from seed BNN_FUZZ_SEED (default 20 from 1 in CI, about a minute on
 * SwiftShader); `npm run fuzz -- --cases 2000 --seed 1000` runs thousands on demand and prints the
 * summary line this file logs at the end.
 */
import { afterAll, expect, it } from 'vitest';
import { Engine } from '../../src/infer/engine.js';
import { DeviceLimitError } from '../../src/errors.js';
import { NETWORK_MAX_UNITS } from '../../src/kernels/infer/dense-network.js';
import type { PredictResult } from '../../src/infer/types.js';
import { normalQuantile } from '../../src/math/special.js';
import { oraclePredict } from '../../src/reference/predict.js';
import { oracleSamples } from '../../src/reference/forward.js';
import { compareClose, relativeBound, type CloseReport } from '../support/all-close.js';
import { quantileBounds, sampleBounds, statisticBounds } from '../support/error-bound.js';
import { fuzzCase, type FuzzCase } from '../support/fuzz-cases.js';
import { describeGpu, gpu } from '../support/gpu.js';

const CASES = Number(process.env['BNN_FUZZ_CASES'] ?? 20);
const FIRST_SEED = Number(process.env['BNN_FUZZ_SEED'] ?? 1);
const SEED = 1234;
const LEVEL = 0.9;
const QUANTILE_LEVELS = [0.05, 0.5, 0.95];

type Run = 'fused' | 'tiled' | 'registers' | 'materialized' | 'lanes' | 'subgroups' | 'network' | 'marginal';
const RUNS: readonly Run[] = ['fused', 'tiled', 'registers', 'materialized', 'lanes', 'subgroups', 'network', 'marginal'];

interface Tally {
  cases: number;
  comparisons: number;
  elements: number;
  mismatchedComparisons: number;
  worstRatio: number;
  failures: string[];
}
const tally: Tally = { cases: 0, comparisons: 0, elements: 0, mismatchedComparisons: 0, worstRatio: 0, failures: [] };

function check(label: string, got: ArrayLike<number> | undefined, want: ArrayLike<number>, bound: ArrayLike<number>, problems: string[]): void {
  const report: CloseReport =
    got === undefined ? { mismatches: [{ index: -1, got: 0, want: want.length, bound: 0 }], count: want.length, worstRatio: 0 } : compareClose(got, want, bound);
  tally.comparisons++;
  tally.elements += report.count;
  tally.worstRatio = Math.max(tally.worstRatio, report.worstRatio);
  if (report.mismatches.length === 0) return;
  tally.mismatchedComparisons++;
  const m = report.mismatches[0]!;
  problems.push(`${label}: ${report.mismatches.length}/${report.count} out of bound, first [${m.index}] got ${m.got} want ${m.want} bound ${m.bound}`);
}

async function runCase(ctx: NonNullable<typeof gpu>, c: FuzzCase): Promise<string[]> {
  const problems: string[] = [];
  const joint = sampleBounds(c.model, c.x, { samples: c.samples, seed: SEED, path: 'joint' });
  const marginal = sampleBounds(c.model, c.x, { samples: c.samples, seed: SEED, path: 'marginal' });
  const z = normalQuantile((1 + LEVEL) / 2);
  const engine = Engine.create(ctx, c.model, {
    maxSamplesPerChunk: c.chunk.samples,
    maxInputsPerChunk: c.chunk.inputs,
    fusedInputsPerWorkgroup: c.fusedInputsPerWorkgroup,
    registersInputsPerThread: c.registersInputsPerThread,
  });
  try {
    for (const run of RUNS) {
      // The two lanes-form kernels compile large unrolled modules per architecture: each takes every other case.
      if ((run === 'network' && c.seed % 2 === 1) || (run === 'lanes' && c.seed % 2 === 0)) continue;
      if (run === 'network' && c.model.spec.layers.some((l) => l.units > NETWORK_MAX_UNITS)) {
        // Too wide for the network kernel: refused by name, never run on a wrong layout.
        await expect(engine.predict(c.x, { samples: c.samples, seed: SEED, kernel: 'network' })).rejects.toBeInstanceOf(DeviceLimitError);
        continue;
      }
      const draws = run === 'marginal' ? marginal : joint;
      // Quantiles on one joint kernel and the marginal path: they read the samples every kernel stores alike.
      const quantiles = run === 'materialized' || run === 'marginal' ? QUANTILE_LEVELS : undefined;
      const r: PredictResult = await engine.predict(c.x, {
        samples: c.samples,
        seed: SEED,
        y: c.y,
        intervalLevel: LEVEL,
        ...(quantiles ? { quantiles } : {}),
        ...(run === 'marginal' ? { path: 'marginal' as const } : { kernel: run, returnSamples: true }),
      });
      const stats = statisticBounds(draws, c.y, z);
      const path = run === 'marginal' ? 'marginal' : 'joint';
      const want = oraclePredict(c.model, c.x, { samples: c.samples, seed: SEED, y: c.y, intervalLevel: LEVEL, path, ...(quantiles ? { quantiles } : {}) });
      if (quantiles) check(`${run} quantiles`, r.quantiles, want.quantiles!, quantileBounds(draws, quantiles, want.quantiles!), problems);
      if (run !== 'marginal') {
        const oracle = oracleSamples(c.model, c.x, { samples: c.samples, seed: SEED, path });
        // The bounds must have been computed along the oracle's own computation.
        expect(compareClose(draws.f, oracle.f, relativeBound(oracle.f, 1e-12)).mismatches).toEqual([]);
        check(`${run} f samples`, r.fSamples, oracle.f, draws.fBound, problems);
        check(`${run} scale samples`, r.scaleSamples, oracle.scale, draws.scaleBound, problems);
        check(`${run} y samples`, r.ySamples, oracle.y, draws.yBound, problems);
      }
      const wantStats = { ...want, logPredictiveDensity: want.logPredictiveDensity!, sampleLogLikelihood: want.sampleLogLikelihood! };
      for (const name of ['mean', 'epistemicStd', 'aleatoricStd', 'std', 'lower', 'upper'] as const) {
        check(`${run} ${name}`, r[name], wantStats[name], stats[name], problems);
      }
      check(`${run} log predictive density`, r.logPredictiveDensity, wantStats.logPredictiveDensity, stats.logPredictiveDensity!, problems);
      check(`${run} per-sample log-likelihood`, r.sampleLogLikelihood, wantStats.sampleLogLikelihood, stats.sampleLogLikelihood!, problems);
    }
  } finally {
    engine.dispose();
  }
  return problems;
}

describeGpu('fuzz: random architectures on the GPU vs the float64 oracle', () => {
  const ctx = gpu!;
  const seeds = Array.from({ length: CASES }, (_, i) => FIRST_SEED + i);

  afterAll(() => {
    console.log(
      `fuzz summary: ${tally.cases} cases (seeds ${FIRST_SEED}..${FIRST_SEED + CASES - 1}), ${tally.comparisons} comparisons of ${tally.elements} elements, ` +
        `${tally.mismatchedComparisons} out of bound, worst |gpu - oracle| / bound ${tally.worstRatio.toFixed(3)}` +
        (tally.failures.length ? `\n${tally.failures.join('\n')}` : ''),
    );
  });

  it.each(seeds.map((seed) => ({ seed, name: fuzzCase(seed).name })))('$name', async ({ seed }) => {
    const c = fuzzCase(seed);
    const problems = await runCase(ctx, c);
    tally.cases++;
    if (problems.length) tally.failures.push(`${c.name}\n  ${problems.join('\n  ')}`);
    expect(problems, c.name).toEqual([]);
  });
});
