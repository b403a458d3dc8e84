/**
 * The float32 range of the noise model (src/model/noise-range.ts): the bounds used to check a
 * latent sigma's draws hold what their comments claim, and the accepted sigma range is exactly the
 * one where the likelihood scale and the noise variance are normal float32 numbers.
 */
import { describe, expect, it } from 'vitest';
import { regularizedGammaP } from '../../src/math/special.js';
import { FLOAT32_MIN_NORMAL } from '../../src/float32.js';
import { GAMMA_LOWER_TAIL, gammaExtremes, lognormalExtremes, LOGNORMAL_Z_MAX, noiseScaleFits, sigmaRangeText } from '../../src/model/noise-range.js';

describe('gammaExtremes', () => {
  it.each([0.3, 0.5, 1, 3, 10, 100, 1e4])('concentration %s: below `low` and above `high` lie less than 1e-9 of Gamma(a, rate)', (a) => {
    for (const rate of [1e-6, 1, 4, 1e6]) {
      const { low, high } = gammaExtremes(a, rate);
      // The bound is tight for small t (P(g < t) ~ t^a / Gamma(a + 1)): allow float64 rounding.
      expect(regularizedGammaP(a, low * rate)).toBeLessThanOrEqual(GAMMA_LOWER_TAIL * (1 + 1e-9));
      expect(1 - regularizedGammaP(a, high * rate)).toBeLessThan(1e-9);
      expect(low).toBeLessThan(a / rate);
      expect(high).toBeGreaterThan(a / rate);
    }
  });

  it('is finite for huge concentrations (computed in logs)', () => {
    const { low, high } = gammaExtremes(1e30, 1e30);
    expect(low).toBeGreaterThan(0.1);
    expect(high).toBeCloseTo(1, 10);
  });
});

describe('noiseScaleFits', () => {
  it("accepts sigma exactly where sigma (link 'sigma') or sigma^2 ('sigma2') and its square are normal float32", () => {
    const cases: [number, 'sigma' | 'sigma2', boolean][] = [
      [1, 'sigma', true],
      [1.1e-19, 'sigma', true],
      [1.0e-19, 'sigma', false],
      [1.8e19, 'sigma', true],
      [1.9e19, 'sigma', false],
      [3.3e-10, 'sigma2', true],
      [3.2e-10, 'sigma2', false],
      [4.2e9, 'sigma2', true],
      [4.4e9, 'sigma2', false],
      [0, 'sigma', false],
      [-1, 'sigma', false],
      [NaN, 'sigma', false],
      [Infinity, 'sigma', false],
      [1e-300, 'sigma', false],
    ];
    for (const [sigma, link, fits] of cases) expect(noiseScaleFits(sigma, link), `${sigma} ${link}`).toBe(fits);
    expect(sigmaRangeText('sigma')).toBe('[1.1e-19, 1.8e+19]');
    expect(sigmaRangeText('sigma2')).toBe('[3.3e-10, 4.3e+9]');
  });

  it('is what the GPU computes: scale and variance rounded to float32 stay >= the smallest normal', () => {
    for (let e = -30; e <= 30; e += 0.25) {
      const sigma = 10 ** e;
      const scale = Math.fround(Math.fround(sigma) ** 2);
      const variance = Math.fround(scale * scale);
      const expected = Number.isFinite(variance) && variance >= FLOAT32_MIN_NORMAL;
      expect(noiseScaleFits(sigma, 'sigma2'), String(sigma)).toBe(expected);
    }
  });
});

describe('lognormalExtremes', () => {
  it(`spans loc ± ${LOGNORMAL_Z_MAX} scale, beyond the largest |z| Box-Muller draws from 24-bit uniforms`, () => {
    expect(Math.sqrt(-2 * Math.log(2 ** -24))).toBeLessThan(LOGNORMAL_Z_MAX);
    const { low, high } = lognormalExtremes(-1, 0.5);
    expect(Math.log(low)).toBeCloseTo(-1 - LOGNORMAL_Z_MAX * 0.5, 12);
    expect(Math.log(high)).toBeCloseTo(-1 + LOGNORMAL_Z_MAX * 0.5, 12);
  });
});
