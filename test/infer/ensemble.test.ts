/**
 * Deep ensembles' mixture predictive (src/infer/ensemble.ts): the moments and the log density of a
 * uniform Gaussian mixture against direct formulas, and predictEnsemble on the GPU against the
 * members predicted one by one.
 */
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/infer/engine.js';
import { gaussianMixture, predictEnsemble } from '../../src/infer/ensemble.js';
import { normalLogPdf as normalLogDensity } from '../../src/math/densities.js';
import { logSumExp } from '../../src/math/special.js';
import { describeGpu, gpu } from '../support/gpu.js';
import { buildModel, randomInputs } from '../support/model-builders.js';

describe('gaussianMixture', () => {
  const members = [
    { mean: [0, 1, -2], std: [1, 0.5, 2] },
    { mean: [1, 1, 3], std: [0.5, 0.5, 1] },
    { mean: [-1, 1.5, 0], std: [2, 0.1, 0.3] },
  ];
  const y = [0.3, 1.2, 10];

  it('has mean = average mu and variance = average(sigma^2 + mu^2) - mean^2', () => {
    const p = gaussianMixture(members, y);
    for (let i = 0; i < 3; i++) {
      const mus = members.map((m) => m.mean[i] as number);
      const sig = members.map((m) => m.std[i] as number);
      const mean = mus.reduce((a, v) => a + v, 0) / 3;
      const second = mus.reduce((a, v, k) => a + v * v + (sig[k] as number) ** 2, 0) / 3;
      expect(p.mean[i]).toBeCloseTo(mean, 12);
      expect((p.std[i] as number) ** 2).toBeCloseTo(second - mean * mean, 10);
      expect((p.epistemicStd[i] as number) ** 2 + (p.aleatoricStd[i] as number) ** 2).toBeCloseTo((p.std[i] as number) ** 2, 12);
    }
  });

  it('has log density = log of the average member density (also far in a tail, without underflow)', () => {
    const p = gaussianMixture(members, y);
    const lpd = p.logPredictiveDensity as Float64Array;
    for (let i = 0; i < 2; i++) {
      const density = members.reduce((a, m) => {
        const mu = m.mean[i] as number;
        const s = m.std[i] as number;
        return a + Math.exp(-0.5 * ((y[i]! - mu) / s) ** 2) / (s * Math.sqrt(2 * Math.PI)) / 3;
      }, 0);
      expect(lpd[i]).toBeCloseTo(Math.log(density), 12);
    }
    // y = 10: member 2's density is exp(-1.1e3): direct evaluation underflows, logsumexp does not.
    const terms = members.map((m) => normalLogDensity(10, m.mean[2] as number, m.std[2] as number));
    expect(lpd[2]).toBeCloseTo(logSumExp(terms) - Math.log(3), 10);
    expect(Number.isFinite(lpd[2])).toBe(true);
  });

  it('has a moment-matched log density = log N(y | mixture mean, mixture std)', () => {
    const p = gaussianMixture(members, y);
    const matched = p.momentMatchedLogDensity as Float64Array;
    const lpd = p.logPredictiveDensity as Float64Array;
    for (let i = 0; i < 3; i++) {
      const s = p.std[i] as number;
      const direct = -0.5 * ((y[i]! - (p.mean[i] as number)) / s) ** 2 - Math.log(s) - 0.5 * Math.log(2 * Math.PI);
      expect(matched[i]).toBeCloseTo(direct, 12);
    }
    // y = 10 lies beyond every member's narrow bulk: the normal spread over the members'
    // disagreement (means -2, 3, 0) gives it far more density than the mixture does.
    expect(matched[2]).toBeGreaterThan((lpd[2] as number) + 1);
    expect(gaussianMixture(members).momentMatchedLogDensity).toBeUndefined();
  });

  it('of one member is that member', () => {
    const p = gaussianMixture([{ mean: [2], std: [0.5] }], [2.5]);
    expect(p.mean[0]).toBe(2);
    expect(p.std[0]).toBeCloseTo(0.5, 14);
    expect(p.logPredictiveDensity?.[0]).toBeCloseTo(normalLogDensity(2.5, 2, 0.5), 14);
    expect(p.momentMatchedLogDensity?.[0]).toBeCloseTo(normalLogDensity(2.5, 2, 0.5), 14);
  });

  it('rejects mismatched members and y', () => {
    expect(() => gaussianMixture([])).toThrow(/at least one member/);
    expect(() => gaussianMixture([{ mean: [1, 2], std: [1] }])).toThrow(/member 0/);
    expect(() => gaussianMixture([{ mean: [1], std: [1] }], [1, 2])).toThrow(/y has 2 values/);
  });
});

describeGpu('predictEnsemble on the GPU', () => {
  it('combines the members predicted one by one', async () => {
    const ctx = gpu!;
    const models = [1, 2, 3].map((seed) => buildModel({ inputDim: 2, units: [8, 2], posterior: 'delta', noise: { kind: 'heteroscedastic', minScale: 1e-3 }, seed }));
    const x = randomInputs(5, 2, 7);
    const y = [0.1, -0.2, 0.3, 0, 1];
    const p = await predictEnsemble(ctx, models, x, { y });
    const one = [];
    for (const model of models) {
      const engine = Engine.create(ctx, model);
      const r = await engine.predict(x, { samples: 1 });
      engine.dispose();
      one.push({ mean: r.mean, std: r.aleatoricStd });
    }
    const want = gaussianMixture(one, y);
    for (let i = 0; i < 5; i++) {
      expect(p.mean[i]).toBeCloseTo(want.mean[i] as number, 6);
      expect(p.std[i]).toBeCloseTo(want.std[i] as number, 6);
      expect(p.logPredictiveDensity?.[i]).toBeCloseTo(want.logPredictiveDensity?.[i] as number, 6);
    }
    // The members differ, so the mixture has an epistemic part.
    expect(Math.max(...p.epistemicStd)).toBeGreaterThan(0);
  });
});
