/**
 * Laplace through the GPU: the 'map' fit trained there, the posterior built on the host, and its
 * predictive sampled by the engine.
 * - 'diagonal': the model is the MAP (loc = float32 θ*) with 'normal' posteriors, and the engine's
 *   f samples and statistics equal the float64 oracle's within the derived float32 bounds
 *   (test/support/error-bound.ts; intervals at z = 1.645 as the engine tests).
 * - 'last-layer': the draws, predicted as an ensemble, equal the oracle's mixture within the same
 *   bounds; the outputs are linear in the last layer, so the draws' mean and std of f are Monte-Carlo
 *   estimates of the exact linearised predictive (linearized.ts): |mean − lin| < 4.5 lin_std / sqrt(S)
 *   and |std / lin_std − 1| < 4.5 / sqrt(2 (S − 1)) (failure rate < 1e-4 per input).
 * - 'kfac': its draws of every layer, predicted as an ensemble, equal the oracle's mixture within the
 *   same bounds (its covariance is checked in laplace.test.ts).
 * - a heteroscedastic head: the diagonal posterior trains and predicts with the head's noise (its
 *   curvature is checked in laplace.test.ts).
 */
import { expect, it } from 'vitest';
import { Engine } from '../../src/infer/engine.js';
import { linearizedPredict, trainLaplace, type LaplaceTrainOptions } from '../../src/laplace/index.js';
import type { Model } from '../../src/model/spec.js';
import { oracleEnsemblePredict } from '../../src/reference/ensemble.js';
import { oracleSamples } from '../../src/reference/forward.js';
import { oraclePredict } from '../../src/reference/predict.js';
import { expectAllClose } from '../support/all-close.js';
import { sampleBounds, statisticBounds, type SampleBounds } from '../support/error-bound.js';
import { describeGpu, gpu } from '../support/gpu.js';
import { testRng } from '../support/model-builders.js';

const Z = 1.6448536269514722;
const arch = { inputDim: 2, hidden: [8], activation: 'tanh' as const };
const rand = testRng(5);
const x = Array.from({ length: 32 }, () => [4 * rand() - 2, 4 * rand() - 2]);
const y = x.map((r) => Math.sin(r[0]!) + 0.3 * r[1]! + 0.1 * (rand() - 0.5));
const xTest = [
  [0, 0],
  [1.5, -1],
  [-3, 2.5],
  [4, 4],
];
const base = { method: 'laplace', epochs: 15, batchSize: 8, lr: 0.02, seed: 4 } as const;

/** Deterministic members' bounds, one sample each, laid out as the ensemble engine lays its samples. */
function ensembleBounds(members: readonly Model[], xs: number[][]): SampleBounds {
  const parts = members.map((m, i) => sampleBounds(m, xs, { samples: 1, seed: 0, path: 'joint', member: i }));
  const first = parts[0]!;
  const join = (field: 'f' | 'fBound' | 'scale' | 'scaleBound' | 'y' | 'yBound') => {
    const size = first.n * first.outputDim;
    const out = new Float64Array(parts.length * size);
    parts.forEach((p, m) => out.set(p[field].subarray(0, size), m * size));
    return out;
  };
  return { ...first, samples: parts.length, f: join('f'), fBound: join('fBound'), scale: join('scale'), scaleBound: join('scaleBound'), y: join('y'), yBound: join('yBound') };
}

describeGpu('Laplace: MAP on the GPU, the predictive sampled by the engine', () => {
  const ctx = gpu!;

  it('diagonal: the model is the MAP with normal scales, and the engine samples it as the oracle does', async () => {
    const options: LaplaceTrainOptions = { ...base, laplace: { structure: 'diagonal' } };
    const r = await trainLaplace(ctx, arch, { x, y }, options);
    const model = r.models[0]![0]!;
    const post = r.fits[0]!.posterior;
    expect(post.priorPrecision).toBeGreaterThan(0);
    expect(Number.isFinite(post.logEvidence)).toBe(true);
    expect(model.spec.layers.every((l) => l.weight.posterior === 'normal' && l.bias.posterior === 'normal')).toBe(true);
    expect(Array.from(model.tensors.get('layers.0.weight.loc')!.data)).toEqual(Array.from(Float32Array.from(r.map.theta[0]!.subarray(0, 16))));
    expect(model.tensors.get('layers.1.bias.scale')!.data[0]).toBe(Math.fround(Math.sqrt(post.covariance[post.params.length - 1]!)));
    const engine = Engine.create(ctx, model);
    const opts = { samples: 64, seed: 3, returnSamples: true } as const;
    const got = await engine.predict(xTest, opts);
    engine.dispose();
    const bounds = sampleBounds(model, xTest, { samples: 64, seed: 3, path: 'joint' });
    expectAllClose(got.fSamples!, oracleSamples(model, xTest, { samples: 64, seed: 3, path: 'joint' }).f, bounds.fBound, 'f samples');
    const want = oraclePredict(model, xTest, opts);
    const stats = statisticBounds(bounds, null, Z);
    for (const name of ['mean', 'epistemicStd', 'std'] as const) expectAllClose(got[name], want[name], stats[name], name);
    expect(got.epistemicStd.every((s) => s > 0)).toBe(true);
  });

  it('last-layer: the draws predicted as an ensemble equal the oracle mixture and estimate the exact linearised predictive', async () => {
    const S = 200;
    const r = await trainLaplace(ctx, arch, { x, y }, { ...base, laplace: { structure: 'last-layer', samples: S } });
    const members = r.models[0]!;
    expect(members).toHaveLength(S);
    const engine = Engine.create(ctx, members);
    const got = await engine.predict(xTest, {});
    engine.dispose();
    expect(got.samples).toBe(S);
    const want = oracleEnsemblePredict(members, xTest, {});
    const stats = statisticBounds(ensembleBounds(members, xTest), null, Z);
    for (const name of ['mean', 'epistemicStd'] as const) expectAllClose(got[name], want[name], stats[name], name);
    const lin = linearizedPredict(r.fits[0]!, xTest);
    xTest.forEach((_, n) => {
      const e = lin.epistemicStd[n]!;
      expect(Math.abs(got.mean[n]! - lin.mean[n]!) / (e / Math.sqrt(S)), `mean z at input ${n}`).toBeLessThan(4.5);
      expect(Math.abs(got.epistemicStd[n]! / e - 1), `std ratio at input ${n}`).toBeLessThan(4.5 / Math.sqrt(2 * (S - 1)));
      expect(lin.aleatoricStd[n]).toBeCloseTo(r.fits[0]!.posterior.sigma * r.fits[0]!.info.standardization.yStd[0]!, 12);
    });
  });

  it('kfac: the draws of every layer, predicted as an ensemble, equal the oracle mixture', async () => {
    const r = await trainLaplace(ctx, arch, { x, y }, { ...base, laplace: { structure: 'kfac', samples: 40 } });
    const members = r.models[0]!;
    expect(members).toHaveLength(40);
    // Every layer moves between draws (the last-layer structure would leave layer 0 at θ*).
    const w0 = (m: Model) => m.tensors.get('layers.0.weight.loc')!.data[0]!;
    expect(w0(members[0]!)).not.toBe(w0(members[1]!));
    const engine = Engine.create(ctx, members);
    const got = await engine.predict(xTest, {});
    engine.dispose();
    const want = oracleEnsemblePredict(members, xTest, {});
    const stats = statisticBounds(ensembleBounds(members, xTest), null, Z);
    for (const name of ['mean', 'epistemicStd', 'std'] as const) expectAllClose(got[name], want[name], stats[name], name);
    for (const v of got.epistemicStd) expect(v).toBeGreaterThan(0);
  });

  it('a heteroscedastic head keeps the head as its noise (diagonal: the Fisher over every layer)', async () => {
    const r = await trainLaplace(ctx, arch, { x, y }, { ...base, heteroscedastic: true, laplace: { structure: 'diagonal' } });
    const models = r.models[0]!;
    expect(models[0]!.spec.likelihood).toMatchObject({ noise: { kind: 'heteroscedastic' } });
    expect(Number.isNaN(r.fits[0]!.posterior.sigma)).toBe(true);
    const engine = Engine.create(ctx, models.length === 1 ? models[0]! : models);
    const got = await engine.predict(xTest, { samples: 20, seed: 1 });
    engine.dispose();
    expect([...got.mean, ...got.aleatoricStd, ...got.epistemicStd].every(Number.isFinite)).toBe(true);
    expect(got.aleatoricStd.every((s) => s > 0)).toBe(true);
    const lin = linearizedPredict(r.fits[0]!, xTest);
    expect([...lin.mean, ...lin.std].every(Number.isFinite)).toBe(true);
  });
});
