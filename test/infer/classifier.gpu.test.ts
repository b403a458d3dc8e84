/**
 * Classifiers (categorical, bernoulli) on the GPU against the float64 oracle, statistic by statistic:
 * probabilities, their spread, the entropies and mutual information, the variation ratio, the log
 * predictive density and the batch metrics, on both paths and for an ensemble. Tolerances: the
 * forward error bounds of test/support/class-bound.ts (the rule is stated there).
 */
import { expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { Engine } from '../../src/infer/engine.js';
import type { PredictResult, SamplingPath } from '../../src/infer/types.js';
import type { LikelihoodSpec, Model } from '../../src/model/spec.js';
import { oraclePredict } from '../../src/reference/predict.js';
import { oracleEnsemblePredict } from '../../src/reference/ensemble.js';
import { oracleScore } from '../../src/reference/score.js';
import { observationUniform } from '../../src/random/observation-draws.js';
import { memberKey } from '../../src/random/streams.js';
import { softmax } from '../../src/math/likelihoods.js';
import type { OraclePredictResult } from '../../src/reference/predict.js';
import { describeGpu, gpu } from '../support/gpu.js';
import { buildModel, randomInputs, testRng } from '../support/model-builders.js';
import { expectAllClose } from '../support/all-close.js';
import { classBounds, logitBounds } from '../support/class-bound.js';

function classifier(likelihood: LikelihoodSpec, units: number[], seed: number, scale = 0.6): Model {
  const base = buildModel({ inputDim: 3, units, dropout: [0.1, 0], seed, scale });
  return { spec: { ...base.spec, likelihood }, tensors: base.tensors };
}

function labels(n: number, classes: number, seed: number): number[] {
  const rand = testRng(seed);
  return Array.from({ length: n }, () => Math.floor(rand() * classes));
}

/** Every classifier statistic of the engine within its bound of the oracle's. */
function expectMatches(got: PredictResult, want: OraclePredictResult, model: Model, x: number[][], o: { samples: number; seed: number; path: SamplingPath; y?: number[] }): void {
  const b = classBounds(model, x, o);
  // The bounds are tight enough to catch a wrong formula (a wrong statistic is off by O(0.01..1)).
  for (const bound of [b.probs, b.probsStd, b.entropy, b.expectedEntropy]) expect(Math.max(...bound)).toBeLessThan(1e-2);
  expect(Math.max(...b.logPredictiveDensity)).toBeLessThan(3e-2);
  expect(got.likelihood).toBe(model.spec.likelihood.kind);
  expectAllClose(got.probs!, want.probs!, b.probs, 'probs');
  expectAllClose(got.mean, want.probs!, b.probs, 'mean (= probs)');
  expectAllClose(got.probsStd!, want.probsStd!, b.probsStd, 'probsStd');
  expectAllClose(got.entropy!, want.entropy!, b.entropy, 'entropy');
  expectAllClose(got.expectedEntropy!, want.expectedEntropy!, b.expectedEntropy, 'expectedEntropy');
  expectAllClose(got.mutualInformation!, want.mutualInformation!, b.mutualInformation, 'mutualInformation');
  expectAllClose(got.variationRatio!, want.variationRatio!, b.variationRatio, 'variationRatio');
  if (o.y) {
    expectAllClose(got.logPredictiveDensity!, want.logPredictiveDensity!, b.logPredictiveDensity, 'logPredictiveDensity');
    // The metrics are functions of p̄: NLL moves by mean Δp̄(label)/p̄(label), Brier by the mean of Σ 2 Δp̄.
    const m = got.metrics!;
    const w = want.metrics!;
    const D = got.outputDim;
    let nllBound = 0;
    let brierBound = 0;
    for (let n = 0; n < got.n; n++) {
      const label = model.spec.likelihood.kind === 'categorical' ? o.y[n]! : -1;
      for (let d = 0; d < D; d++) {
        const k = n * D + d;
        brierBound += 2 * 2 * b.probs[k]!;
        if (d === label || label < 0) nllBound += (2 * b.probs[k]!) / Math.min(want.probs![k]!, 1 - want.probs![k]! || 1);
      }
    }
    const count = model.spec.likelihood.kind === 'categorical' ? got.n : got.n * D;
    expect(Math.abs(m.nll - w.nll)).toBeLessThanOrEqual(nllBound / count + 1e-6);
    expect(Math.abs(m.brier - w.brier)).toBeLessThanOrEqual(brierBound / count + 1e-6);
    expect(m.calibration).toHaveLength(15);
    expect(m.calibration.reduce((a, bin) => a + bin.count, 0)).toBe(count);
    // Accuracy and the bins are counts: equal unless a p̄ sits within its bound of a tie or a bin edge.
    expect(Math.abs(m.accuracy - w.accuracy)).toBeLessThanOrEqual(1 / count);
    expect(Math.abs(m.ece - w.ece)).toBeLessThanOrEqual(0.05);
  }
}

describeGpu('classifiers: GPU engine vs float64 oracle', () => {
  const ctx = gpu!;
  const x = randomInputs(21, 3, 4);

  it('categorical, joint and marginal paths, with labels', async () => {
    const model = classifier({ kind: 'categorical', classes: 4 }, [12, 4], 3);
    const engine = Engine.create(ctx, model, { maxSamplesPerChunk: 24, maxInputsPerChunk: 8 });
    const y = labels(x.length, 4, 8);
    for (const path of ['joint', 'marginal'] as const) {
      const o = { samples: 60, seed: 5, path, y };
      const got = await engine.predict(x, o);
      const want = oraclePredict(model, x, o);
      expectMatches(got, want, model, x, o);
      expect(got.outputDim).toBe(4);
      // The probabilities of each input sum to 1; the statistics sit in their ranges.
      for (let n = 0; n < got.n; n++) {
        expect(got.probs!.subarray(n * 4, n * 4 + 4).reduce((a, v) => a + v, 0)).toBeCloseTo(1, 5);
        expect(got.mutualInformation![n]).toBeGreaterThanOrEqual(0);
        expect(got.entropy![n]).toBeLessThanOrEqual(Math.log(4) + 1e-6);
      }
      for (let k = 0; k < got.lower.length; k++) {
        expect(got.lower[k]).toBeGreaterThanOrEqual(0);
        expect(got.upper[k]).toBeLessThanOrEqual(1);
      }
    }
    engine.dispose();
  });

  it('bernoulli with two outputs, labels per output', async () => {
    const model = classifier({ kind: 'bernoulli' }, [10, 2], 6);
    const engine = Engine.create(ctx, model, { maxSamplesPerChunk: 16 });
    const y = labels(x.length * 2, 2, 9);
    const yRows = x.map((_, n) => [y[2 * n]!, y[2 * n + 1]!]);
    for (const path of ['joint', 'marginal'] as const) {
      const o = { samples: 50, seed: 2, path };
      const got = await engine.predict(x, { ...o, y: yRows });
      const want = oraclePredict(model, x, { ...o, y: yRows });
      expectMatches(got, want, model, x, { ...o, y });
    }
    engine.dispose();
  });

  it('returnSamples gives the logits per sample', async () => {
    const model = classifier({ kind: 'categorical', classes: 3 }, [8, 3], 11);
    const engine = Engine.create(ctx, model);
    const got = await engine.predict(x, { samples: 12, seed: 1, returnSamples: true });
    const b = logitBounds(model, x, { samples: 12, seed: 1, path: 'joint' });
    expectAllClose(got.fSamples!, b.f, b.fBound, 'logit samples');
    engine.dispose();
  });

  it("returnSamples draws y: the oracle draws, except where the uniform sits within the probabilities' bound of a threshold", async () => {
    for (const model of [classifier({ kind: 'categorical', classes: 3 }, [8, 3], 11), classifier({ kind: 'bernoulli' }, [8, 2], 12)]) {
      const S = 30;
      const engine = Engine.create(ctx, model, { maxSamplesPerChunk: 7, maxInputsPerChunk: 8 });
      const got = await engine.predict(x, { samples: S, seed: 4, returnSamples: true });
      engine.dispose();
      const want = oraclePredict(model, x, { samples: S, seed: 4, returnSamples: true, path: 'joint' });
      const lb = logitBounds(model, x, { samples: S, seed: 4, path: 'joint' });
      const categorical = model.spec.likelihood.kind === 'categorical';
      const D = got.outputDim;
      const N = x.length;
      expect(got.ySamples).toHaveLength(S * N * (categorical ? 1 : D));
      let mismatches = 0;
      for (let s = 0; s < S; s++) {
        for (let n = 0; n < N; n++) {
          // Each probability moves by at most expm1(2 max Δf) (log-softmax / log-sigmoid move by 2 max Δf), a cumulative sum by K times that.
          let maxDelta = 0;
          for (let d = 0; d < D; d++) maxDelta = Math.max(maxDelta, lb.fBound[(s * N + n) * D + d]!);
          const margin = D * Math.expm1(2 * maxDelta) + 1e-6;
          const width = categorical ? 1 : D;
          for (let j = 0; j < width; j++) {
            const at = (s * N + n) * width + j;
            if (got.ySamples![at] === want.ySamples![at]) continue;
            mismatches++;
            const element = categorical ? n : n * D + j;
            const u = observationUniform(memberKey(4, 0), s, element);
            const logits = want.fSamples!.subarray((s * N + n) * D, (s * N + n + 1) * D);
            const p = categorical ? softmax(logits) : [1 / (1 + Math.exp(-logits[j]!))];
            let cumulative = 0;
            let near = false;
            for (const pk of p) {
              cumulative += pk;
              if (Math.abs(u - cumulative) <= margin) near = true;
            }
            expect(near, `sample ${s} input ${n}: y ${got.ySamples![at]} vs ${want.ySamples![at]}, u ${u}`).toBe(true);
          }
        }
      }
      expect(mismatches).toBeLessThanOrEqual(3);
      // The draws vary (every class / both labels occur), so equality is not vacuous.
      expect(new Set(got.ySamples).size).toBe(categorical ? 3 : 2);
    }
  });

  it('an ensemble of classifiers is the mixture of its members', async () => {
    const members = [classifier({ kind: 'categorical', classes: 3 }, [8, 3], 21), classifier({ kind: 'categorical', classes: 3 }, [8, 3], 22)];
    const engine = Engine.create(ctx, members);
    const y = labels(x.length, 3, 2);
    const o = { samples: 40, seed: 3, y, path: 'joint' as const };
    const got = await engine.predict(x, o);
    const want = oracleEnsemblePredict(members, x, o);
    // The members' bounds, merged as their statistics are (means of the two).
    const b = members.map((m, i) => classBounds(m, x, { samples: 20, seed: 3, path: 'joint', y, member: i }));
    const avg = (f: (c: (typeof b)[number]) => Float64Array) => f(b[0]!).map((v, k) => (v + f(b[1]!)[k]!) / 2 + 1e-6);
    expectAllClose(
      got.probs!,
      want.probs!,
      avg((c) => c.probs),
      'ensemble probs',
    );
    expectAllClose(
      got.expectedEntropy!,
      want.expectedEntropy!,
      avg((c) => c.expectedEntropy),
      'ensemble expected entropy',
    );
    expectAllClose(
      got.entropy!,
      want.entropy!,
      avg((c) => c.entropy).map((v) => 2 * v),
      'ensemble entropy',
    );
    expectAllClose(
      got.logPredictiveDensity!,
      want.logPredictiveDensity!,
      avg((c) => c.logPredictiveDensity).map((v) => 2 * v),
      'ensemble lpd',
    );
    expect(got.samples).toBe(40);
    engine.dispose();
  });

  it('score: the log joint of a point, obs the labels under softmax / sigmoid, as the oracle', async () => {
    for (const model of [classifier({ kind: 'categorical', classes: 3 }, [6, 3], 31), classifier({ kind: 'bernoulli' }, [6, 2], 32)]) {
      const point = new Map<string, Float32Array>();
      model.spec.layers.forEach((layer, l) => {
        point.set(
          layer.weight.site,
          model.tensors.get(`layers.${l}.weight.loc`)!.data.map((v) => v + 0.1),
        );
        point.set(
          layer.bias.site,
          model.tensors.get(`layers.${l}.bias.loc`)!.data.map((v) => v - 0.05),
        );
      });
      const categorical = model.spec.likelihood.kind === 'categorical';
      const y = categorical ? labels(x.length, 3, 5) : x.map((_, n) => [n % 2, (n >> 1) % 2]);
      const engine = Engine.create(ctx, model);
      const got = await engine.score(point, x, y);
      const want = oracleScore(model, point, x, y);
      expect(Object.keys(got.sites).sort()).toEqual(Object.keys(want.sites).sort());
      // float32 forward and log-softmax over 21 inputs: 1e-4 relative to the summed magnitude (as the Normal score test).
      for (const [site, v] of Object.entries(want.sites)) expect(Math.abs(got.sites[site]! - v), site).toBeLessThan(1e-4 * (1 + Math.abs(v)));
      await expect(engine.score(point, x, categorical ? y.map(() => 7) : y.map(() => [0, 3]))).rejects.toThrow(InvalidInputError);
      engine.dispose();
    }
  });

  it('refuses labels that are not class indices, quantiles, and members that disagree', async () => {
    const model = classifier({ kind: 'categorical', classes: 3 }, [6, 3], 1);
    const engine = Engine.create(ctx, model);
    const base = x.map(() => 0);
    for (const bad of [3, -1, 0.5, NaN]) {
      await expect(engine.predict(x, { samples: 4, y: base.map((v, i) => (i === 5 ? bad : v)) })).rejects.toThrow(InvalidInputError);
    }
    await expect(engine.predict(x, { samples: 4, y: base.map((v, i) => (i === 5 ? 3 : v)) })).rejects.toThrow(/y row 5 is 3/);
    await expect(engine.predict(x, { samples: 4, quantiles: [0.5] })).rejects.toThrow(InvalidInputError);
    const bern = classifier({ kind: 'bernoulli' }, [6, 1], 2);
    const be = Engine.create(ctx, bern);
    await expect(be.predict(x, { samples: 4, y: base.map((v, i) => (i === 2 ? 2 : v)) })).rejects.toThrow(/0 or 1/);
    expect(() => Engine.create(ctx, [model, { spec: { ...model.spec, likelihood: { kind: 'dirichlet', classes: 3, minConcentration: 1e-3 } }, tensors: model.tensors }])).toThrow(
      InvalidInputError,
    );
    be.dispose();
    engine.dispose();
  });
});
