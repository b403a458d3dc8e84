/**
 * The float64 observation draws (src/random/observation-draws.ts) against their distributions'
 * closed forms: z-tests of E[g(y)] with the standard error estimated from the same draws, with fixed
 * seeds. Each check fails by chance with probability 1e-6 (|z| > 4.89, two-sided), about 5e-5 for
 * the file's ~50 checks; the seeds are fixed, so a pass is reproducible and a failure is a bug or
 * that 5e-5. Draws vary both the sample and the element (sample = i mod 97, element = i div 97),
 * so a mix-up of either index shows as correlated draws and a wrong variance.
 */
import { describe, expect, it } from 'vitest';
import { digamma, trigamma } from '../../src/math/special.js';
import type { Key } from '../../src/random/draws.js';
import { normalAt } from '../../src/random/draws.js';
import { betaDraw, bernoulliDraw, categoricalDraw, dirichletDraw, log1pMinusX, logGammaDrawAt, studentTDraw } from '../../src/random/observation-draws.js';
import { STREAM_OBSERVATION } from '../../src/random/streams.js';

const Z_CRIT = 4.89;
const N = 20000;
const KEY: Key = [0x2545f491, 0x4f6cdd1d];
const at = (i: number) => ({ sample: i % 97, element: Math.floor(i / 97) });

/** z of the mean of values against `expected`, standard error from the values' own spread. */
function zScore(values: ArrayLike<number>, expected: number): number {
  let mean = 0;
  for (let i = 0; i < values.length; i++) mean += (values[i] ?? NaN) / values.length;
  let ss = 0;
  for (let i = 0; i < values.length; i++) ss += ((values[i] ?? NaN) - mean) ** 2;
  const se = Math.sqrt(ss / (values.length - 1) / values.length);
  return se === 0 ? (mean === expected ? 0 : Infinity) : (mean - expected) / se;
}

function draws(fn: (sample: number, element: number) => number): Float64Array {
  return Float64Array.from({ length: N }, (_, i) => fn(at(i).sample, at(i).element));
}

describe('Gamma draws per element (Marsaglia-Tsang in log space)', () => {
  it.each([1e-3, 0.3, 1, 3.7, 1e3, 5e7])('Gamma(%f): E[log G] = digamma(a), and E[G] = a, E[G^2] = a(a+1) where a >= 0.3', (a) => {
    const logG = draws((s, e) => logGammaDrawAt(KEY, s, e, a));
    expect(logG.every(Number.isFinite)).toBe(true);
    expect(Math.abs(zScore(logG, digamma(a)))).toBeLessThan(Z_CRIT);
    // The spread of log G is trigamma(a): the empirical one within 5% (N = 20000: its own sd is ~1-2%).
    const m = logG.reduce((p, v) => p + v, 0) / N;
    const v = logG.reduce((p, x) => p + (x - m) ** 2, 0) / (N - 1);
    expect(Math.abs(v / trigamma(a) - 1)).toBeLessThan(a < 0.01 ? 0.1 : 0.05);
    if (a >= 0.3) {
      const g = logG.map(Math.exp);
      expect(Math.abs(zScore(g, a))).toBeLessThan(Z_CRIT);
      expect(
        Math.abs(
          zScore(
            g.map((x) => x * x),
            a * (a + 1),
          ),
        ),
      ).toBeLessThan(Z_CRIT);
    }
  });

  it('uses its own stream and element: different elements and samples are uncorrelated', () => {
    const x = draws((s, e) => logGammaDrawAt(KEY, s, 2 * e, 2));
    const y = draws((s, e) => logGammaDrawAt(KEY, s, 2 * e + 1, 2));
    const mx = x.reduce((p, v) => p + v, 0) / N;
    const my = y.reduce((p, v) => p + v, 0) / N;
    // Under independence, sum (x - mx)(y - my) / (N sd_x sd_y) is ~N(0, 1/N).
    const cov = x.reduce((p, v, i) => p + (v - mx) * ((y[i] ?? NaN) - my), 0) / N;
    expect(Math.abs(cov / trigamma(2)) * Math.sqrt(N)).toBeLessThan(Z_CRIT);
  });

  it('log1pMinusX agrees with log1p(s) - s where that does not cancel, and with the series where it does', () => {
    for (const s of [-0.5, -0.02, 0.02, 0.3, 3]) expect(Math.abs(log1pMinusX(s) - (Math.log1p(s) - s))).toBeLessThan(1e-15);
    // s = +-1e-3: sum_{k=2..12} (-1)^(k+1) s^k / k (the next term is 1e-39), to 8 eps relative (value ~5e-7: 8.9e-22).
    for (const s of [1e-3, -1e-3]) {
      let series = 0;
      for (let k = 12; k >= 2; k--) series += ((k % 2 === 0 ? -1 : 1) * s ** k) / k;
      expect(Math.abs(log1pMinusX(s) - series)).toBeLessThan(8 * 2 ** -52 * Math.abs(series));
    }
  });
});

describe('observation draws', () => {
  it.each([
    [2, 3],
    [0.5, 0.5],
    [1e-3, 2],
    [200, 50],
  ])('Beta(%f, %f): E[y] and E[y^2] match the closed form; y in [0, 1]', (a, b) => {
    const y = draws((s, e) => betaDraw(KEY, s, e, a, b));
    expect(y.every((v) => v >= 0 && v <= 1)).toBe(true);
    const mean = a / (a + b);
    const variance = (a * b) / ((a + b) ** 2 * (a + b + 1));
    expect(Math.abs(zScore(y, mean))).toBeLessThan(Z_CRIT);
    expect(
      Math.abs(
        zScore(
          y.map((v) => v * v),
          variance + mean * mean,
        ),
      ),
    ).toBeLessThan(Z_CRIT);
  });

  it('Dirichlet(0.5, 2, 7): component means and second moments, rows on the simplex', () => {
    const alpha = [0.5, 2, 7];
    const total = 9.5;
    const rows = Array.from({ length: N }, (_, i) => dirichletDraw(KEY, at(i).sample, 3 * at(i).element, alpha));
    for (const r of rows) expect(Math.abs(r.reduce((p, v) => p + v, 0) - 1)).toBeLessThan(1e-15);
    alpha.forEach((a, k) => {
      const y = Float64Array.from(rows, (r) => r[k] ?? NaN);
      const mean = a / total;
      const variance = (a * (total - a)) / (total * total * (total + 1));
      expect(Math.abs(zScore(y, mean))).toBeLessThan(Z_CRIT);
      expect(
        Math.abs(
          zScore(
            y.map((v) => v * v),
            variance + mean * mean,
          ),
        ),
      ).toBeLessThan(Z_CRIT);
    });
  });

  it.each([1e-3, 0.3, 0.5])('Bernoulli(%f): the frequency of 1 (binomial z)', (p) => {
    const y = draws((s, e) => bernoulliDraw(KEY, s, e, p));
    expect(y.every((v) => v === 0 || v === 1)).toBe(true);
    expect(Math.abs(zScore(y, p))).toBeLessThan(Z_CRIT);
    expect(bernoulliDraw(KEY, 0, 0, 0)).toBe(0);
    expect(bernoulliDraw(KEY, 0, 0, 1)).toBe(1);
  });

  it('Categorical(0.2, 0.5, 0, 0.3): class frequencies, never the zero-probability class', () => {
    const probs = [0.2, 0.5, 0, 0.3];
    const y = draws((s, e) => categoricalDraw(KEY, s, e, probs));
    expect(y.every((v) => v !== 2 && Number.isInteger(v) && v >= 0 && v < 4)).toBe(true);
    probs.forEach((p, k) => {
      if (p > 0)
        expect(
          Math.abs(
            zScore(
              y.map((v) => (v === k ? 1 : 0)),
              p,
            ),
          ),
        ).toBeLessThan(Z_CRIT);
    });
    // Rounding that leaves the partial sums short of u still names a class with p > 0.
    expect(categoricalDraw(KEY, 0, 0, [0.3, 0, 0])).toBe(0);
  });

  it.each([
    [10, 1.5, 2],
    [1e8, -1, 0.5],
  ])('Student-t(df = %f, loc %f, scale %f): mean loc and variance scale^2 df/(df-2)', (df, loc, scale) => {
    const y = draws((s, e) => studentTDraw(KEY, s, e, loc, scale, df));
    expect(Math.abs(zScore(y, loc))).toBeLessThan(Z_CRIT);
    expect(
      Math.abs(
        zScore(
          y.map((v) => (v - loc) ** 2),
          (scale * scale * df) / (df - 2),
        ),
      ),
    ).toBeLessThan(Z_CRIT);
  });

  it.each([
    // P(|T| < 1): Cauchy 1/2; df = 2: t / sqrt(2 + t^2) = 1/sqrt(3).
    [1, 0.5],
    [2, 1 / Math.sqrt(3)],
  ])('Student-t(df = %f): P(|y - loc| < scale) = %f (binomial z); heavy tails stay finite', (df, p) => {
    const y = draws((s, e) => studentTDraw(KEY, s, e, 3, 2, df));
    expect(y.every(Number.isFinite)).toBe(true);
    expect(
      Math.abs(
        zScore(
          y.map((v) => (Math.abs(v - 3) < 2 ? 1 : 0)),
          p,
        ),
      ),
    ).toBeLessThan(Z_CRIT);
  });

  it('Student-t(df = 1e-2): median loc; its Z is the Normal draw of the same element (df -> infinity gives the Normal draw)', () => {
    const y = draws((s, e) => studentTDraw(KEY, s, e, 0, 1, 1e-2));
    expect(y.every((v) => !Number.isNaN(v))).toBe(true);
    expect(
      Math.abs(
        zScore(
          y.map((v) => (v < 0 ? 1 : 0)),
          0.5,
        ),
      ),
    ).toBeLessThan(Z_CRIT);
    for (let e = 0; e < 20; e++) {
      const z = normalAt(KEY, 5, STREAM_OBSERVATION, e);
      expect(Math.abs(studentTDraw(KEY, 5, e, 1, 2, 1e12) - (1 + 2 * z))).toBeLessThan(1e-5 * (1 + Math.abs(z)));
    }
  });
});
