/**
 * Student-t, Beta and Dirichlet models on the GPU against the float64 oracle: the predictive mean,
 * its epistemic (spread of the samples' means) and aleatoric (root mean of the samples' variances)
 * parts, the clipped interval and the log predictive density, each within its forward error bound
 * (test/support/moment-bound.ts states the rule); and the targets each refuses.
 */
import { expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { Engine } from '../../src/infer/engine.js';
import type { LikelihoodSpec, Model } from '../../src/model/spec.js';
import { oraclePredict } from '../../src/reference/predict.js';
import { oracleScore } from '../../src/reference/score.js';
import { describeGpu, gpu } from '../support/gpu.js';
import { buildModel, randomInputs, testRng } from '../support/model-builders.js';
import { expectAllClose } from '../support/all-close.js';
import { momentBounds } from '../support/moment-bound.js';

function withLikelihood(likelihood: LikelihoodSpec, units: number[], seed: number, noise?: Parameters<typeof buildModel>[0]['noise']): Model {
  const base = buildModel({ inputDim: 2, units, seed, scale: 0.4, ...(noise ? { noise } : {}) });
  return { spec: { ...base.spec, likelihood }, tensors: base.tensors };
}

const x = randomInputs(13, 2, 7);
const rand = testRng(3);

const CASES: readonly { name: string; model: Model; y: number[][] }[] = [
  {
    name: 'student-t df 4, fixed noise',
    model: withLikelihood({ kind: 'student-t', noise: { kind: 'fixed', sigma: 0.4 }, link: 'sigma', sigmaPrior: null, df: 4 }, [8, 1], 1),
    y: x.map(() => [rand() * 2 - 1]),
  },
  {
    name: 'student-t df 1.5 (no variance: the scale), lognormal noise',
    model: withLikelihood({ kind: 'student-t', noise: { kind: 'lognormal', site: 'sigma' }, link: 'sigma', sigmaPrior: { concentration: 0.5, rate: 1 }, df: 1.5 }, [8, 1], 2, {
      kind: 'lognormal',
      site: 'sigma',
    }),
    y: x.map(() => [rand() * 2 - 1]),
  },
  { name: 'beta', model: withLikelihood({ kind: 'beta', minConcentration: 0.05 }, [8, 2], 3), y: x.map(() => [0.05 + 0.9 * rand()]) },
  {
    name: 'dirichlet over 3',
    model: withLikelihood({ kind: 'dirichlet', classes: 3, minConcentration: 0.05 }, [8, 3], 4),
    y: x.map(() => {
      const a = 0.1 + rand();
      const b = 0.1 + rand();
      const c = 0.1 + rand();
      return [a / (a + b + c), b / (a + b + c), c / (a + b + c)];
    }),
  },
];

describeGpu('Student-t, Beta, Dirichlet: GPU engine vs float64 oracle', () => {
  const ctx = gpu!;
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const engine = Engine.create(ctx, c.model, { maxSamplesPerChunk: 16 });
    for (const path of ['joint', 'marginal'] as const) {
      const o = { samples: 40, seed: 6, path, y: c.y };
      const got = await engine.predict(x, o);
      const want = oraclePredict(c.model, x, o);
      const b = momentBounds(c.model, x, { ...o, y: c.y.flat() });
      expect(got.likelihood).toBe(c.model.spec.likelihood.kind);
      expectAllClose(got.mean, want.mean, b.mean, `${c.name} mean`);
      expectAllClose(got.epistemicStd, want.epistemicStd, b.epistemicStd, `${c.name} epistemic std`);
      expectAllClose(got.aleatoricStd, want.aleatoricStd, b.aleatoricStd, `${c.name} aleatoric std`);
      expectAllClose(got.logPredictiveDensity!, want.logPredictiveDensity!, b.logPredictiveDensity, `${c.name} lpd`);
      if (c.model.spec.likelihood.kind === 'beta' || c.model.spec.likelihood.kind === 'dirichlet') {
        for (let k = 0; k < got.lower.length; k++) {
          expect(got.lower[k]).toBeGreaterThanOrEqual(0);
          expect(got.upper[k]).toBeLessThanOrEqual(1);
        }
      }
      // The bounds are tight enough to tell a wrong formula (off by O(0.01..1)).
      expect(Math.max(...b.mean, ...b.epistemicStd)).toBeLessThan(1e-2);
      expect(Math.max(...b.aleatoricStd)).toBeLessThan(5e-2);
    }
    engine.dispose();
  });

  it.each(CASES.map((c) => [c.name, c] as const))("%s: returnSamples draws y on the oracle's streams, distributed as the predictive", async (_, c) => {
    const S = 400;
    const engine = Engine.create(ctx, c.model, { maxSamplesPerChunk: 128, maxInputsPerChunk: 8 });
    const got = await engine.predict(x, { samples: S, seed: 8, returnSamples: true });
    engine.dispose();
    const want = oraclePredict(c.model, x, { samples: S, seed: 8, returnSamples: true, path: 'joint' });
    const ND = got.n * got.outputDim;
    expect(got.ySamples).toHaveLength(S * ND);
    // Same streams: the float32 draw follows the float64 one (a Gamma draw is held to 2e-3 relative,
    // error-bound.ts, and the network's outputs to their bounds); a draw on another stream would agree
    // with it on ~0% of elements. Accept-reject flips are rare (~1e-6 per draw), so 99% must agree.
    let close = 0;
    for (let i = 0; i < got.ySamples!.length; i++) if (Math.abs(got.ySamples![i]! - want.ySamples![i]!) <= 1e-2 * (1 + Math.abs(want.ySamples![i]!))) close++;
    expect(close / got.ySamples!.length).toBeGreaterThan(0.99);
    // Distributed as the predictive: the draws' mean per (n, d) is the predictive mean within 5
    // standard errors std/sqrt(S) (declared false-failure rate < 1e-4 over these checks); Student-t
    // with df <= 2 has no variance, so only its support is checked there.
    const lik = c.model.spec.likelihood;
    if (lik.kind === 'student-t' && lik.df <= 2) return;
    for (let k = 0; k < ND; k++) {
      let m = 0;
      for (let s = 0; s < S; s++) m += got.ySamples![s * ND + k]! / S;
      const z = (m - got.mean[k]!) / (got.std[k]! / Math.sqrt(S));
      expect(Math.abs(z), `element ${k}`).toBeLessThan(5);
      if (lik.kind === 'beta' || lik.kind === 'dirichlet') for (let s = 0; s < S; s++) expect(got.ySamples![s * ND + k]).toBeGreaterThanOrEqual(0);
    }
  });

  it('score of a Beta model equals the oracle', async () => {
    const c = CASES[2]!;
    const point = new Map<string, Float32Array>();
    c.model.spec.layers.forEach((layer, l) => {
      point.set(layer.weight.site, c.model.tensors.get(`layers.${l}.weight.loc`)!.data);
      point.set(layer.bias.site, c.model.tensors.get(`layers.${l}.bias.loc`)!.data);
    });
    const engine = Engine.create(ctx, c.model);
    const got = await engine.score(point, x, c.y);
    const want = oracleScore(c.model, point, x, c.y);
    for (const [site, v] of Object.entries(want.sites)) expect(Math.abs(got.sites[site]! - v), site).toBeLessThan(1e-4 * (1 + Math.abs(v)));
    engine.dispose();
  });

  it('refuses targets outside the support, quantiles and ensembles', async () => {
    const beta = Engine.create(ctx, CASES[2]!.model);
    await expect(beta.predict(x, { samples: 4, y: x.map((_, n) => [n === 3 ? NaN : 0.5]) })).rejects.toThrow(InvalidInputError);
    for (const bad of [0, 1, -0.5, 1.5]) {
      await expect(beta.predict(x, { samples: 4, y: x.map((_, n) => [n === 3 ? bad : 0.5]) })).rejects.toThrow(/strictly between 0 and 1/);
    }
    await expect(beta.predict(x, { samples: 4, quantiles: [0.5] })).rejects.toThrow(InvalidInputError);
    beta.dispose();
    const dir = Engine.create(ctx, CASES[3]!.model);
    await expect(dir.predict(x, { samples: 4, y: x.map(() => [0.5, 0.4, 0.2]) })).rejects.toThrow(/sums to 1.1/);
    await expect(dir.predict(x, { samples: 4, y: x.map(() => [0.6, 0.4, 0]) })).rejects.toThrow(/positive/);
    dir.dispose();
    const ens = Engine.create(ctx, [CASES[2]!.model, CASES[2]!.model]);
    await expect(ens.predict(x, { samples: 4 })).rejects.toThrow(InvalidInputError);
    ens.dispose();
  });
});
