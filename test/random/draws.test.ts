/**
 * Statistical checks of the pinned random draws (src/random/draws.ts): the oracle and the GPU share
 * them, so a biased draw would pass every oracle-vs-GPU comparison and still be wrong.
 *
 * Every check uses a fixed seed, so the file is deterministic: it passes or fails the same way on
 * every run. Declared failure rate, i.e. the chance that a correct generator fails for an arbitrary
 * seed: each z check (|z| < 5, two-sided) 5.7e-7, each Kolmogorov-Smirnov test (alpha = 1e-4) 1e-4;
 * with 6 KS tests and 22 z checks below, about 6.0e-4 for the file in all.
 */
import { describe, expect, it } from 'vitest';
import { regularizedGammaP, normalCdf } from '../../src/math/special.js';
import { dropoutKeep, gammaDraw, noiseNormal, normalAt } from '../../src/random/draws.js';
import { STREAM_DROPOUT, STREAM_WEIGHTS, dropoutKeepThreshold, layerStream, seedToKey } from '../../src/random/streams.js';
import { trainDropoutHalf, trainKeepThreshold } from '../../src/random/train-streams.js';

const Z_LIMIT = 5;
const KS_ALPHA = 1e-4;
const N = 200_000;
const KEY = seedToKey(20240611);

/** sqrt(n) * D_n of the sample against a continuous CDF. */
function ksStatistic(values: Float64Array, cdf: (x: number) => number): number {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const F = cdf(sorted[i] ?? NaN);
    d = Math.max(d, (i + 1) / n - F, F - i / n);
  }
  return Math.sqrt(n) * d;
}

/** Asymptotic Kolmogorov critical value: P(sqrt(n) D > t) ~ 2 exp(-2 t^2) = alpha. */
const KS_CRITICAL = Math.sqrt(Math.log(2 / KS_ALPHA) / 2);

function moments(values: Float64Array): { mean: number; variance: number; skew: number; exKurt: number } {
  const n = values.length;
  let mean = 0;
  for (const v of values) mean += v;
  mean /= n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (const v of values) {
    const e = v - mean;
    m2 += e * e;
    m3 += e * e * e;
    m4 += e * e * e * e;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  return { mean, variance: m2, skew: m3 / m2 ** 1.5, exKurt: m4 / (m2 * m2) - 3 };
}

/** z scores of the first four moments of a standard normal sample (standard errors 1, sqrt 2, sqrt 6, sqrt 24 over sqrt n). */
function normalMomentZ(values: Float64Array): number[] {
  const n = values.length;
  const m = moments(values);
  return [m.mean * Math.sqrt(n), (m.variance - 1) / Math.sqrt(2 / n), m.skew / Math.sqrt(6 / n), m.exKurt / Math.sqrt(24 / n)];
}

describe('normalAt', () => {
  it('along the elements of one (sample, stream) is standard normal: moments, lag-1 correlation, KS', () => {
    const stream = layerStream(1, STREAM_WEIGHTS);
    const z = Float64Array.from({ length: N }, (_, e) => normalAt(KEY, 3, stream, e));
    for (const score of normalMomentZ(z)) expect(Math.abs(score)).toBeLessThan(Z_LIMIT);
    // Neighbours share Box-Muller words (cos and sin of one pair): they must still be uncorrelated.
    let lag = 0;
    for (let e = 1; e < N; e++) lag += (z[e] ?? 0) * (z[e - 1] ?? 0);
    expect(Math.abs(lag / Math.sqrt(N - 1))).toBeLessThan(Z_LIMIT);
    expect(ksStatistic(z, normalCdf)).toBeLessThan(KS_CRITICAL);
  });

  it('across posterior samples (all four lanes) is standard normal: moments and KS', () => {
    const stream = layerStream(0, STREAM_WEIGHTS);
    const z = Float64Array.from({ length: N }, (_, k) => normalAt(KEY, k >> 2, stream, k & 3));
    for (const score of normalMomentZ(z)) expect(Math.abs(score)).toBeLessThan(Z_LIMIT);
    expect(ksStatistic(z, normalCdf)).toBeLessThan(KS_CRITICAL);
  });
});

describe('noiseNormal', () => {
  it('across samples is standard normal: moments and KS', () => {
    const z = Float64Array.from({ length: N }, (_, s) => noiseNormal(KEY, s));
    for (const score of normalMomentZ(z)) expect(Math.abs(score)).toBeLessThan(Z_LIMIT);
    expect(ksStatistic(z, normalCdf)).toBeLessThan(KS_CRITICAL);
  });
});

describe('gammaDraw', () => {
  it.each([0.5, 1, 3.7])('Gamma(%f, 1) across samples: mean, variance and KS against P(a, x)', (a) => {
    const g = Float64Array.from({ length: N }, (_, s) => gammaDraw(KEY, s, a));
    const m = moments(g);
    expect(Math.abs((m.mean - a) / Math.sqrt(a / N))).toBeLessThan(Z_LIMIT);
    // Var of the sample variance ~ (mu4 - mu2^2)/n with mu4 = 3a^2 + 6a for Gamma(a, 1).
    expect(Math.abs((m.variance - a) / Math.sqrt((2 * a * a + 6 * a) / N))).toBeLessThan(Z_LIMIT);
    expect(g.reduce((lo, v) => Math.min(lo, v), Infinity)).toBeGreaterThan(0);
    expect(ksStatistic(g, (x) => regularizedGammaP(a, x))).toBeLessThan(KS_CRITICAL);
  });
});

describe('dropoutKeep', () => {
  it.each([0.1, 0.5, 0.9])('keeps a fraction threshold/2^24 ~ 1 - %f (binomial z test)', (rate) => {
    const threshold = dropoutKeepThreshold(rate);
    const q = threshold / 2 ** 24;
    expect(Math.abs(q - (1 - rate))).toBeLessThan(1e-7);
    const stream = layerStream(2, STREAM_DROPOUT);
    let kept = 0;
    for (let s = 0; s < 1000; s++) for (let unit = 0; unit < N / 1000; unit++) if (dropoutKeep(KEY, s, stream, unit, threshold)) kept++;
    expect(Math.abs((kept - N * q) / Math.sqrt(N * q * (1 - q)))).toBeLessThan(Z_LIMIT);
  });
});

describe("training's dropout masks (16-bit halves, 8 slots a block)", () => {
  it.each([0.005, 0.1, 0.5])('keep a fraction threshold/2^16 ~ 1 - %f over slots and units (binomial z test)', (rate) => {
    const threshold = trainKeepThreshold(rate);
    const q = threshold / 2 ** 16;
    // Rounding to 16 bits moves P(keep) by at most 2^-17.
    expect(Math.abs(q - (1 - rate))).toBeLessThanOrEqual(2 ** -17);
    const stream = layerStream(1, STREAM_DROPOUT);
    const inputs = 13;
    let kept = 0;
    let n = 0;
    for (let t = 0; t < 40; t++) {
      for (let slot = 0; slot < 384; slot++) {
        for (let unit = 0; unit < inputs; unit++, n++) if (trainDropoutHalf(KEY, t, stream, slot, unit, inputs, 3) < threshold) kept++;
      }
    }
    expect(Math.abs((kept - n * q) / Math.sqrt(n * q * (1 - q)))).toBeLessThan(Z_LIMIT);
  });

  it('give the halves of one block to 8 consecutive slots of a unit, and other blocks to other units, steps and models', () => {
    const stream = layerStream(0, STREAM_DROPOUT);
    const halves = (t: number, unit: number, word: number) => Array.from({ length: 16 }, (_, slot) => trainDropoutHalf(KEY, t, stream, slot, unit, 5, word));
    const a = halves(7, 2, 1);
    // 16 distinct 16-bit values would repeat by chance with probability ~ 120 / 65536.
    expect(new Set(a).size).toBe(16);
    expect(a.every((h) => Number.isInteger(h) && h >= 0 && h < 65536)).toBe(true);
    for (const other of [halves(7, 3, 1), halves(8, 2, 1), halves(7, 2, 2)]) expect(other.filter((h, i) => h === a[i]).length).toBeLessThan(2);
  });
});
