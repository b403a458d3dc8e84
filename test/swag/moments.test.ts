/**
 * SWAG's host maths (src/swag/moments.ts, draws.ts, options.ts), no GPU: the moments against a
 * direct float64 computation from the iterates (exact to rounding: relative 1e-12 of the values'
 * scale, far below any real error and far above float64 rounding of K = 6 terms), the draws'
 * sample covariance against ½ Σ_diag + D Dᵀ / (2 (C − 1)) by z-scores, reproducibility of the
 * keyed draws, and bad input as typed errors.
 */
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import type { TrainOptions } from '../../src/objective/types.js';
import { seedToKey } from '../../src/random/streams.js';
import { swagCovariance, swagDraw } from '../../src/swag/draws.js';
import { swagMoments } from '../../src/swag/moments.js';
import { readSwagOptions, SWAG_DEFAULTS } from '../../src/swag/options.js';
import { expectAllClose } from '../support/all-close.js';
import { testRng } from '../support/model-builders.js';

const rand = testRng(7);
const P = 5;
const K = 6;
// Iterates around an offset, as SGD's wander around a mode: O(1) values, O(0.1) spread, mostly
// along one direction (so D Dᵀ has large off-diagonal entries) plus independent jitter.
const direction = [1, -0.5, 0.8, 0.3, -1];
const iterates = Array.from({ length: K }, () => {
  const t = 0.3 * (rand() - 0.5);
  return Float64Array.from({ length: P }, (_, e) => 1 + 0.5 * e + t * direction[e]! + 0.05 * (rand() - 0.5));
});

describe('swagMoments', () => {
  it('equal a direct float64 computation from the iterates (mean, clamped E[θ²] − mean², running-mean deviations)', () => {
    const rank = 4;
    const m = swagMoments(iterates, rank);
    const mean = new Float64Array(P);
    const square = new Float64Array(P);
    for (const t of iterates) t.forEach((v, e) => ((mean[e] = mean[e]! + v / K), (square[e] = square[e]! + (v * v) / K)));
    const variance = mean.map((v, e) => Math.max(0, square[e]! - v * v));
    // Deviation i: θ_i minus the mean of θ_1..θ_i; D keeps the last `rank` of them, oldest first.
    const deviations = iterates.map((t, i) => t.map((v, e) => v - iterates.slice(0, i + 1).reduce((a, u) => a + u[e]!, 0) / (i + 1))).slice(K - rank);
    expect(m.count).toBe(K);
    expectAllClose(m.mean, mean, 1e-12, 'θ_SWA');
    expectAllClose(m.variance, variance, 1e-12, 'Σ_diag');
    expect(m.deviations).toHaveLength(rank);
    m.deviations.forEach((d, j) => expectAllClose(d, deviations[j]!, 1e-12, `deviation column ${j}`));
    // The variance is a real spread here, not rounding: the check can fail.
    expect(Math.min(...m.variance)).toBeGreaterThan(1e-4);
  });

  it('clamps a variance that rounding takes below zero, and keeps all columns when K <= rank', () => {
    const same = [Float64Array.of(0.1, 3), Float64Array.of(0.1, 3), Float64Array.of(0.1, 3)];
    const m = swagMoments(same, 20);
    expect(Array.from(m.variance).every((v) => v >= 0)).toBe(true);
    expect(m.deviations).toHaveLength(3);
  });

  it('refuses no iterates, ragged or non-finite iterates and a bad rank', () => {
    expect(() => swagMoments([], 2)).toThrow(InvalidInputError);
    expect(() => swagMoments([Float64Array.of(1, 2), Float64Array.of(1)], 2)).toThrow(/iterate 1 has 1 values/);
    expect(() => swagMoments([Float64Array.of(1, NaN)], 2)).toThrow(/non-finite value at θ index 1/);
    expect(() => swagMoments(iterates, 0)).toThrow(/rank/);
  });
});

describe('swagDraw', () => {
  const moments = swagMoments(iterates, 4);
  const key = seedToKey(11);

  it.each([
    ['low-rank', 1],
    ['low-rank', 0.5],
    ['diagonal', 1],
  ] as const)('%s, scale %s: the sample covariance of 40000 draws matches the posterior covariance (|z| < 5 per entry)', (variant, scale) => {
    // Cov of a Gaussian's sample covariance entry (a, b) over n draws: (Σ_aa Σ_bb + Σ_ab²) / n.
    // 15 entries at |z| < 5: a false failure has probability < 15 x 5.7e-7 ≈ 1e-5 (fixed seed).
    const n = 40000;
    const want = swagCovariance(moments, scale, variant);
    const sum = new Float64Array(P);
    const cross = new Float64Array(P * P);
    for (let s = 0; s < n; s++) {
      const d = swagDraw(moments, key, 0, s, scale, variant).map((v, e) => v - moments.mean[e]!);
      for (let a = 0; a < P; a++) {
        sum[a] = sum[a]! + d[a]!;
        for (let b = 0; b < P; b++) cross[a * P + b] = cross[a * P + b]! + d[a]! * d[b]!;
      }
    }
    let worst = 0;
    for (let a = 0; a < P; a++) {
      // The mean is known (θ_SWA), so the sample covariance is about it: E = Σ exactly.
      expect(Math.abs(sum[a]! / n) / Math.sqrt(want[a * P + a]! / n)).toBeLessThan(5);
      for (let b = a; b < P; b++) {
        const got = cross[a * P + b]! / n;
        const sd = Math.sqrt((want[a * P + a]! * want[b * P + b]! + want[a * P + b]! ** 2) / n);
        worst = Math.max(worst, Math.abs(got - want[a * P + b]!) / sd);
      }
    }
    expect(worst).toBeLessThan(5);
    // The low-rank part correlates θ_0 and θ_1 strongly (so the check sees it); the diagonal variant not at all.
    const correlation = want[1]! / Math.sqrt(want[0]! * want[P + 1]!);
    if (variant === 'diagonal') expect(correlation).toBe(0);
    else expect(correlation).toBeLessThan(-0.3);
  });

  it('is reproducible and keyed by (seed, model, draw)', () => {
    const a = swagDraw(moments, key, 0, 3, 1, 'low-rank');
    expect(Array.from(swagDraw(moments, key, 0, 3, 1, 'low-rank'))).toEqual(Array.from(a));
    expect(Array.from(swagDraw(moments, key, 1, 3, 1, 'low-rank'))).not.toEqual(Array.from(a));
    expect(Array.from(swagDraw(moments, key, 0, 4, 1, 'low-rank'))).not.toEqual(Array.from(a));
    expect(Array.from(swagDraw(moments, seedToKey(12), 0, 3, 1, 'low-rank'))).not.toEqual(Array.from(a));
  });

  it('needs two deviation columns for the low-rank part', () => {
    expect(() => swagDraw(swagMoments(iterates.slice(0, 1), 4), key, 0, 0, 1, 'low-rank')).toThrow(/at least 2 deviation columns/);
  });
});

describe('readSwagOptions', () => {
  const base: TrainOptions = { method: 'swag', epochs: 5, lr: 0.01 };

  it('fills the defaults (swaLr: the run lr)', () => {
    expect(readSwagOptions(base)).toEqual({ ...SWAG_DEFAULTS, swaLr: 0.01 });
    expect(readSwagOptions({ ...base, swag: { swaEpochs: 3, swaLr: 0.1, rank: 2, samples: 4, scale: 0.5, variant: 'diagonal' } })).toEqual({
      swaEpochs: 3,
      swaLr: 0.1,
      rank: 2,
      samples: 4,
      scale: 0.5,
      variant: 'diagonal',
    });
  });

  it.each([
    [{ swaEpochs: 1 }, /swag.swaEpochs/],
    [{ swaEpochs: 2.5 }, /swag.swaEpochs/],
    [{ rank: 1 }, /swag.rank/],
    [{ samples: 0 }, /swag.samples/],
    [{ samples: 2000 }, /swag.samples/],
    [{ scale: 0 }, /swag.scale/],
    [{ swaLr: -1 }, /swag.swaLr/],
    [{ variant: 'full' }, /swag.variant/],
    [{ ranks: 3 }, /no option 'ranks'/],
  ])('%j is refused', (swag, message) => {
    const options = { ...base, swag } as unknown as TrainOptions;
    expect(() => readSwagOptions(options)).toThrow(InvalidInputError);
    expect(() => readSwagOptions(options)).toThrow(message);
  });

  it('refuses another method and snapshotEpochs', () => {
    expect(() => readSwagOptions({ ...base, method: 'map' })).toThrow(/fits method 'swag'/);
    expect(() => readSwagOptions({ ...base, snapshotEpochs: [1] })).toThrow(/snapshotEpochs is set by 'swag'/);
  });
});
