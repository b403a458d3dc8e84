/**
 * Exact predictive quantiles and the ensemble engine against the float64 oracle: quantiles of the
 * mixture over samples (single models and ensembles) within their derived bounds
 * (test/support/error-bound.ts quantileBounds), and Engine.create(ctx, members) against
 * oracleEnsemblePredict, which computes the mixture from all members' samples at once rather than
 * by merging per-member statistics as the engine does.
 */
import { expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { Engine } from '../../src/infer/engine.js';
import { gaussianMixture } from '../../src/infer/ensemble.js';
import type { PredictOptions } from '../../src/infer/types.js';
import { normalQuantile } from '../../src/math/special.js';
import type { Model } from '../../src/model/spec.js';
import { oracleEnsemblePredict } from '../../src/reference/ensemble.js';
import { oraclePredict } from '../../src/reference/predict.js';
import { expectAllClose, relativeBound } from '../support/all-close.js';
import { quantileBounds, sampleBounds, statisticBounds, type SampleBounds } from '../support/error-bound.js';
import { describeGpu, gpu } from '../support/gpu.js';
import { buildModel, randomInputs } from '../support/model-builders.js';

const LEVEL = 0.9;
const Z = normalQuantile((1 + LEVEL) / 2);

/** The members' sample bounds concatenated as the ensemble engine lays its samples out. */
function ensembleBounds(members: readonly Model[], x: number[][], per: number, seed: number, deterministic: boolean): SampleBounds {
  const parts = members.map((m, i) => sampleBounds(m, x, { samples: deterministic ? 1 : per, seed, path: 'joint', member: i }));
  const first = parts[0] as SampleBounds;
  const size = first.n * first.outputDim;
  const S = members.length * per;
  const join = (field: 'f' | 'fBound' | 'scale' | 'scaleBound' | 'y' | 'yBound') => {
    const out = new Float64Array(S * size);
    parts.forEach((p, m) => {
      for (let s = 0; s < per; s++) {
        const from = p.samples === per ? s : 0;
        out.set(p[field].subarray(from * size, (from + 1) * size), (m * per + s) * size);
      }
    });
    return out;
  };
  return {
    samples: S,
    n: first.n,
    outputDim: first.outputDim,
    f: join('f'),
    fBound: join('fBound'),
    scale: join('scale'),
    scaleBound: join('scaleBound'),
    y: join('y'),
    yBound: join('yBound'),
  };
}

function expectStatisticsMatch(r: Awaited<ReturnType<Engine['predict']>>, want: ReturnType<typeof oraclePredict>, bounds: SampleBounds, y: number[][] | null, what: string): void {
  const stats = statisticBounds(bounds, y, Z);
  for (const name of ['mean', 'epistemicStd', 'aleatoricStd', 'std', 'lower', 'upper'] as const) expectAllClose(r[name], want[name], stats[name], `${what} ${name}`);
  if (y) {
    expectAllClose(r.logPredictiveDensity!, want.logPredictiveDensity!, stats.logPredictiveDensity!, `${what} log predictive density`);
    expectAllClose(r.sampleLogLikelihood!, want.sampleLogLikelihood!, stats.sampleLogLikelihood!, `${what} per-sample log-likelihood`);
  }
}

describeGpu('quantiles and ensembles', () => {
  const ctx = gpu!;

  it.each(['joint', 'marginal'] as const)('exact predictive quantiles of one model equal the oracle (%s path)', async (path) => {
    const model = buildModel({
      inputDim: 3,
      units: [12, 2],
      activations: ['tanh', 'identity'],
      noise: { kind: 'lognormal', site: 'sigma' },
      dropout: [0.2, 0],
      scale: 0.5,
      seed: 21,
    });
    const x = randomInputs(9, 3, 4);
    // Five levels: not a multiple of four, so the levels buffer is padded (the kernel must not read past them).
    const levels = [0.025, 0.5, 0.9, 0.99, 0.999];
    const options: PredictOptions = { samples: 37, seed: 5, quantiles: levels, path };
    const engine = Engine.create(ctx, model, { maxSamplesPerChunk: 10, maxInputsPerChunk: 4 });
    const r = await engine.predict(x, options);
    engine.dispose();
    const want = oraclePredict(model, x, options);
    expect(r.quantileLevels).toEqual(levels);
    const bounds = quantileBounds(sampleBounds(model, x, { samples: 37, seed: 5, path }), levels, want.quantiles!);
    expectAllClose(r.quantiles!, want.quantiles!, bounds, 'quantiles');
    // The quantiles are the mixture's, not the moment-matched normal's: ordered, median near the mean.
    for (let k = 0; k < r.mean.length; k++) expect(r.quantiles![k]!).toBeLessThan(r.quantiles![r.mean.length + k]!);
  });

  it('a deterministic ensemble (heteroscedastic members, as train returns) predicts the exact mixture', async () => {
    const members = [1, 2, 3].map((seed) => buildModel({ inputDim: 2, units: [8, 2], posterior: 'delta', noise: { kind: 'heteroscedastic', minScale: 1e-3 }, seed }));
    // 3 levels x 12 inputs fill the quantile buffer exactly (no padding past it), so a kernel
    // that ran past its levels would overwrite the last quantile.
    const x = randomInputs(12, 2, 3);
    const y = randomInputs(12, 1, 8);
    const engine = Engine.create(ctx, members);
    const r = await engine.predict(x, { y, returnSamples: true, quantiles: [0.05, 0.5, 0.95] });
    engine.dispose();
    // The default S is the member count: one evaluation each is the whole mixture.
    expect(r.samples).toBe(3);
    expect(r.fSamples).toHaveLength(3 * 12);
    const want = oracleEnsemblePredict(members, x, { y, quantiles: [0.05, 0.5, 0.95] });
    const bounds = ensembleBounds(members, x, 1, 0, true);
    expectStatisticsMatch(r, want, bounds, y, 'mixture');
    expectAllClose(r.quantiles!, want.quantiles!, quantileBounds(bounds, [0.05, 0.5, 0.95], want.quantiles!), 'mixture quantiles');
    // And as the Gaussian-mixture helper computes it from the members' means and stds.
    const single = await Promise.all(
      members.map(async (m) => {
        const e = Engine.create(ctx, m);
        const p = await e.predict(x, { samples: 1 });
        e.dispose();
        return { mean: p.mean, std: p.aleatoricStd };
      }),
    );
    const mix = gaussianMixture(
      single,
      y.map((row) => row[0]!),
    );
    expectAllClose(r.mean, mix.mean, relativeBound(mix.mean, 1e-6), 'mixture mean vs gaussianMixture');
    expectAllClose(r.std, mix.std, relativeBound(mix.std, 1e-6), 'mixture std vs gaussianMixture');
    expectAllClose(r.logPredictiveDensity!, mix.logPredictiveDensity!, relativeBound(mix.logPredictiveDensity!, 1e-5), 'mixture density vs gaussianMixture');
  });

  it('an ensemble of Bayesian members splits S evenly over their own streams and equals the oracle', async () => {
    const members = [4, 5].map((seed) => buildModel({ inputDim: 2, units: [10, 1], dropout: [0.1, 0.2], noise: { kind: 'gamma', site: 'sigma' }, scale: 0.4, seed }));
    const x = randomInputs(7, 2, 6);
    const y = randomInputs(7, 1, 9);
    const engine = Engine.create(ctx, members, { maxSamplesPerChunk: 6 });
    const options: PredictOptions = { samples: 24, seed: 3, y, returnSamples: true, quantiles: [0.1, 0.5] };
    const r = await engine.predict(x, options);
    const want = oracleEnsemblePredict(members, x, options);
    const bounds = ensembleBounds(members, x, 12, 3, false);
    expectAllClose(r.fSamples!, want.fSamples!, bounds.fBound, 'f samples');
    expectAllClose(r.ySamples!, want.ySamples!, bounds.yBound, 'y samples');
    expectStatisticsMatch(r, want, bounds, y, 'ensemble');
    expectAllClose(r.quantiles!, want.quantiles!, quantileBounds(bounds, [0.1, 0.5], want.quantiles!), 'ensemble quantiles');
    // Member 0 draws as the model alone would.
    const alone = Engine.create(ctx, members[0]!);
    const first = await alone.predict(x, { samples: 12, seed: 3, returnSamples: true });
    alone.dispose();
    expectAllClose(r.fSamples!.subarray(0, 12 * 7), first.fSamples!, 0, 'member 0 block');
    await expect(engine.predict(x, { samples: 25 })).rejects.toThrow(/samples must be a multiple of the ensemble's 2 members/);
    await expect(engine.score(new Map(), x, y)).rejects.toThrow(InvalidInputError);
    engine.dispose();
    expect(engine.resources.buffers).toBe(0);
  });

  it('refuses members that disagree on inputs or outputs, and releases what it made', () => {
    const a = buildModel({ inputDim: 2, units: [3, 1], seed: 1 });
    const b = buildModel({ inputDim: 3, units: [3, 1], seed: 2 });
    expect(() => Engine.create(ctx, [a, b])).toThrow(/member 1 maps 3 inputs to 1 outputs, member 0 2 to 1/);
    expect(() => Engine.create(ctx, [])).toThrow(/non-empty list/);
  });

  it("draws y per sample (Pyro's Predictive obs): the oracle's draws, distributed as the predictive", async () => {
    const model = buildModel({ inputDim: 1, units: [8, 1], noise: { kind: 'lognormal', site: 'sigma' }, scale: 0.3, seed: 30 });
    const x = [[-1], [0.5], [2]];
    const engine = Engine.create(ctx, model);
    const small = await engine.predict(x, { samples: 20, seed: 4, returnSamples: true });
    const want = oraclePredict(model, x, { samples: 20, seed: 4, returnSamples: true });
    expectAllClose(small.ySamples!, want.ySamples!, sampleBounds(model, x, { samples: 20, seed: 4, path: 'joint' }).yBound, 'y samples');
    // Over many samples, y's mean and variance are the predictive's (z-tests; declared failure rate: |z| > 5, 6e-7 per check).
    const S = 20_000;
    const r = await engine.predict(x, { samples: S, seed: 9, returnSamples: true });
    engine.dispose();
    for (let n = 0; n < x.length; n++) {
      let mean = 0;
      let m2 = 0;
      let m4 = 0;
      for (let s = 0; s < S; s++) mean += r.ySamples![s * 3 + n]! / S;
      for (let s = 0; s < S; s++) {
        const e = r.ySamples![s * 3 + n]! - mean;
        m2 += (e * e) / S;
        m4 += (e * e * e * e) / S;
      }
      // The statistics are of these same S samples' f and scale, so y's sample mean is within its own standard error of r.mean.
      expect(Math.abs((mean - r.mean[n]!) / Math.sqrt(m2 / S))).toBeLessThan(5);
      expect(Math.abs((m2 - r.std[n]! ** 2) / Math.sqrt((m4 - m2 * m2) / S))).toBeLessThan(5);
    }
  });
});
