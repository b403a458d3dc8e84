/**
 * The float64 training oracle's 'vi' options (src/objective/index.ts, VI ESTIMATORS and HIERARCHICAL
 * PRIOR): draw addressing, exact gradients against finite differences, objective values by hand,
 * unbiasedness and variance of the estimators, training, and input validation. Every seed is fixed,
 * so the file is deterministic.
 */
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../src/errors.js';
import { gammaLogPdf, logNormalLogPdf } from '../../../src/math/densities.js';
import { ACTIVATIONS } from '../../../src/model/spec.js';
import type { Activation } from '../../../src/model/spec.js';
import { normalAt, wordAt } from '../../../src/random/draws.js';
import { STREAM_FLIP, STREAM_MARGINAL, STREAM_NOISE, STREAM_WEIGHTS, layerStream, seedToKey } from '../../../src/random/streams.js';
import { minibatchObjective, objectiveConfig, oracleGradient, oracleInit, oracleTrain, stepDraws, viTraces } from '../../../src/reference/train/index.js';
import type { Minibatch, OracleState } from '../../../src/reference/train/index.js';
import type { ViEstimator } from '../../../src/objective/methods.js';
import { trainLayout } from '../../../src/objective/layout.js';
import { prepareRun } from '../../../src/objective/prepare.js';
import { permute, shuffleKeys } from '../../../src/random/shuffle.js';
import type { ArchitectureSpec, TrainData, TrainMethod, TrainOptions } from '../../../src/objective/types.js';
import { testRng } from '../../support/model-builders.js';
import { gaussian, sinData, uniformRows } from '../../support/train-data.js';

const ESTIMATORS: readonly ViEstimator[] = ['reparameterization', 'local', 'flipout'];

/** The standardised rows of model m's minibatch at step t, rebuilt from the oracle's positions. */
function stepBatch(state: OracleState, m: number, t: number): Minibatch {
  const model = state.setup.models[m];
  const g = oracleGradient(state, m, t);
  if (!model || !g) throw new Error('no step');
  const dim = state.setup.layout.layers[0]?.inputs ?? 0;
  const x = new Float64Array(g.positions.length * dim);
  g.positions.forEach((p, k) => x.set(model.x.subarray(p * dim, (p + 1) * dim), k * dim));
  return { rows: g.positions.length, x, y: Float64Array.from(g.positions, (p) => model.y[p] ?? NaN) };
}

const TWO_POW_31 = 2 ** 31;

describe('draw addressing of the estimators', () => {
  const arch: ArchitectureSpec = { inputDim: 2, hidden: [3], activation: 'tanh' };
  const data: TrainData = { x: uniformRows(6, 2, -1, 1, 1), y: [1, 2, 3, 4, 5, 6] };
  const seed = 9;
  const key = seedToKey(seed);
  const init = (viEstimator: ViEstimator): OracleState => oracleInit(arch, data, { method: 'vi', epochs: 3, batchSize: 4, samplesPerStep: 2, seed, viEstimator, models: [{}, {}] });

  it("'local': one eps per (K-sample, layer, batch slot, unit) from STREAM_MARGINAL, no weight draw", () => {
    const state = init('local');
    const model = state.setup.models[1]!;
    const t = 3;
    const d = stepDraws(state.setup, model, t, 4);
    expect(d.eps).toHaveLength(0);
    expect(d.signs).toHaveLength(0);
    expect(d.noise).toEqual([0, 1].map((k) => normalAt(key, t * 2 + k, STREAM_NOISE, 0, 2)));
    expect(d.marginal).toHaveLength(2);
    for (let k = 0; k < 2; k++) {
      state.setup.layout.layers.forEach((layer, l) => {
        const got = d.marginal[k]?.[l];
        expect(got).toHaveLength(4 * layer.units);
        for (let b = 0; b < 4; b++) {
          for (let j = 0; j < layer.units; j++) {
            expect(got?.[b * layer.units + j]).toBe(normalAt(key, t * 2 + k, layerStream(l, STREAM_MARGINAL), b * layer.units + j, 2));
          }
        }
      });
    }
  });

  it("'flipout': the reparameterisation eps, and signs per (K-sample, layer, batch slot) from STREAM_FLIP", () => {
    const state = init('flipout');
    const reference = init('reparameterization');
    const model = state.setup.models[1]!;
    const t = 2;
    const d = stepDraws(state.setup, model, t, 3);
    const r = stepDraws(reference.setup, reference.setup.models[1]!, t, 3);
    expect(d.eps).toEqual(r.eps);
    expect(d.noise).toEqual(r.noise);
    expect(r.signs).toHaveLength(0);
    expect(r.marginal).toHaveLength(0);
    expect(d.marginal).toHaveLength(0);
    let plus = 0;
    let total = 0;
    for (let k = 0; k < 2; k++) {
      state.setup.layout.layers.forEach((layer, l) => {
        const got = d.signs[k]?.[l];
        const stride = layer.inputs + layer.units;
        expect(got).toHaveLength(3 * stride);
        for (let e = 0; e < 3 * stride; e++) {
          const word = wordAt(key, t * 2 + k, layerStream(l, STREAM_FLIP), e, 2);
          expect(got?.[e]).toBe(word < TWO_POW_31 ? 1 : -1);
          if (got?.[e] === 1) plus++;
          total++;
        }
      });
    }
    // 46 signs: both values occur.
    expect(plus).toBeGreaterThan(0);
    expect(plus).toBeLessThan(total);
  });

  it('draws made for one estimator are refused by another', () => {
    const state = init('local');
    const model = state.setup.models[0]!;
    const batch = stepBatch(state, 0, 0);
    const draws = stepDraws(state.setup, model, 0, batch.rows);
    const cfg = objectiveConfig(state.setup, model);
    expect(() => minibatchObjective(state.setup.layout, { ...cfg, viEstimator: 'flipout' }, state.models[0]!.theta, batch, draws)).toThrow(RangeError);
    expect(() => minibatchObjective(state.setup.layout, { ...cfg, viEstimator: 'reparameterization' }, state.models[0]!.theta, batch, draws)).toThrow(RangeError);
  });
});

describe('hierarchical prior: layout and initialisation', () => {
  it('one log precision per layer after the noise parameters, initialised to -2 log(priorScale) per model', () => {
    const arch: ArchitectureSpec = { inputDim: 3, hidden: [4, 2], activation: 'tanh' };
    const state = oracleInit(
      arch,
      { x: uniformRows(5, 3, 0, 1, 2), y: [1, 2, 3, 4, 5] },
      {
        method: 'vi',
        epochs: 1,
        hierarchical: true,
        models: [{ priorScale: 0.5 }, {}],
      },
    );
    const { layout } = state.setup;
    const flat = trainLayout(arch, 'vi');
    expect(layout.precision).toBe(flat.size);
    expect(layout.size).toBe(flat.size + 3);
    expect([...state.models[0]!.theta.subarray(layout.precision)]).toEqual([1, 1, 1].map(() => -2 * Math.log(0.5)));
    expect([...state.models[1]!.theta.subarray(layout.precision)]).toEqual([0, 0, 0]);
    // Everything else starts as without the hierarchical prior.
    const plain = oracleInit(arch, { x: uniformRows(5, 3, 0, 1, 2), y: [1, 2, 3, 4, 5] }, { method: 'vi', epochs: 1, models: [{ priorScale: 0.5 }, {}] });
    expect([...state.models[0]!.theta.subarray(0, flat.size)]).toEqual([...plain.models[0]!.theta]);
  });

  it('at its initial precision the objective is the flat one plus Σ_l −log Gamma(λ_l | 1, 1), gradients alike', () => {
    const arch: ArchitectureSpec = { inputDim: 2, hidden: [3], activation: 'gelu' };
    const data: TrainData = { x: uniformRows(6, 2, -1, 1, 3), y: uniformRows(6, 1, -1, 1, 4).map((r) => r[0] ?? 0) };
    for (const viEstimator of ESTIMATORS) {
      const options: TrainOptions = { method: 'vi', epochs: 1, batchSize: 4, seed: 2, viEstimator, models: [{ priorScale: 0.6 }] };
      const flat = oracleInit(arch, data, options);
      const hier = oracleInit(arch, data, { ...options, hierarchical: true });
      const rand = testRng(5);
      const theta = flat.models[0]!.theta;
      for (let i = 0; i < theta.length; i++) theta[i] = 2 * rand() - 1;
      hier.models[0]!.theta.set(theta);
      const lambda = 1 / 0.36;
      const a = oracleGradient(flat, 0, 0)!;
      const b = oracleGradient(hier, 0, 0)!;
      expect(b.objective).toBeCloseTo(a.objective - 2 * gammaLogPdf(lambda, 1, 1), 10);
      a.grad.forEach((g, i) => expect(b.grad[i]).toBeCloseTo(g, 10));
    }
  });
});

describe('gradients against finite differences', () => {
  const arch = (activation: Activation): ArchitectureSpec => ({ inputDim: 2, hidden: [3, 2], activation });
  const data: TrainData = { x: uniformRows(7, 2, -2, 2, 11), y: uniformRows(7, 1, -1, 1, 12).map((r) => r[0] ?? 0) };

  /** Random θ of moderate size: locs (and log λ) in (-1, 1), scales softplus(rho) in (0.05, 0.5), PReLU slopes in (0.05, 0.5). */
  function randomizeTheta(state: OracleState, seed: number): void {
    const rand = testRng(seed);
    const { layout } = state.setup;
    const theta = state.models[0]?.theta ?? new Float64Array(0);
    for (let i = 0; i < theta.length; i++) theta[i] = 2 * rand() - 1;
    for (const layer of layout.layers) {
      const w = layer.units * layer.inputs;
      for (let i = 0; i < w; i++) theta[layer.weightRho + i] = -3 + 2.3 * rand();
      for (let i = 0; i < layer.units; i++) theta[layer.biasRho + i] = -3 + 2.3 * rand();
      if (layer.prelu >= 0) for (let i = 0; i < layer.units; i++) theta[layer.prelu + i] = 0.05 + 0.45 * rand();
    }
  }

  /** Smallest |pre-activation| of the step's forward passes, every K-sample, under the run's estimator. */
  function minAbsPre(state: OracleState, t: number): number {
    const { setup } = state;
    const model = setup.models[0]!;
    const batch = stepBatch(state, 0, t);
    const draws = stepDraws(setup, model, t, batch.rows);
    let min = Infinity;
    for (const traces of viTraces(setup.layout, objectiveConfig(setup, model), state.models[0]!.theta, batch, draws)) {
      for (const trace of traces) for (const v of trace.pre) min = Math.min(min, Math.abs(v));
    }
    return min;
  }

  /** Fourth-order central difference of the step objective in θ_i. */
  function finiteDifference(state: OracleState, t: number, i: number, h: number): number {
    const theta = state.models[0]?.theta ?? new Float64Array(0);
    const at = (delta: number): number => {
      const saved = theta[i] ?? NaN;
      theta[i] = saved + delta;
      const value = oracleGradient(state, 0, t)?.objective ?? NaN;
      theta[i] = saved;
      return value;
    };
    return (8 * (at(h) - at(-h)) - (at(2 * h) - at(-2 * h))) / (12 * h);
  }

  function check(activation: Activation, viEstimator: ViEstimator, hierarchical: boolean): void {
    const state = oracleInit(arch(activation), data, {
      method: 'vi',
      epochs: 2,
      batchSize: 5,
      samplesPerStep: 2,
      seed: 5,
      viEstimator,
      hierarchical,
      models: [{ priorScale: 0.7 }],
    });
    // Step 1 is the short last batch of epoch 0 (2 rows); step 2 a full one of epoch 1.
    for (const t of [1, 2]) {
      let seed = 100;
      do randomizeTheta(state, seed++);
      while (minAbsPre(state, t) < 1e-3 && seed < 200);
      expect(minAbsPre(state, t)).toBeGreaterThan(1e-3);
      const g = oracleGradient(state, 0, t);
      if (!g) throw new Error('model 0 runs every step');
      const scale = Math.max(...g.grad.map(Math.abs));
      for (let i = 0; i < g.grad.length; i++) {
        const fd: number = finiteDifference(state, t, i, 1e-4);
        const exact: number = g.grad[i] ?? NaN;
        const rel = Math.abs(exact - fd) / Math.max(Math.abs(exact), Math.abs(fd), 1e-3 * scale);
        if (rel > 1e-5) expect.fail(`θ[${i}]: gradient ${exact}, finite difference ${fd} (relative ${rel})`);
      }
      // The log precisions have a gradient of their own.
      const { precision } = state.setup.layout;
      if (hierarchical) for (let l = 0; l < 3; l++) expect(Math.abs(g.grad[precision + l] ?? 0)).toBeGreaterThan(1e-6);
    }
  }

  for (const viEstimator of ['local', 'flipout'] as const) {
    for (const activation of ACTIVATIONS) {
      it(`${viEstimator} / ${activation}`, () => check(activation, viEstimator, false));
    }
  }
  for (const viEstimator of ESTIMATORS) {
    for (const activation of ['tanh', 'prelu'] as const) {
      it(`hierarchical ${viEstimator} / ${activation}`, () => check(activation, viEstimator, true));
    }
  }
});

describe('objective values by hand (linear model, explicit draw addressing)', () => {
  const x = [
    [0.5, -1],
    [2, 0.25],
    [-1, 1.5],
    [0.75, 0.5],
    [-0.25, -2],
  ];
  const y = [1, -0.5, 2, 0.25, -1.5];
  const N = 5;
  const K = 2;
  const seed = 7;
  const key = seedToKey(seed);
  const arch: ArchitectureSpec = { inputDim: 2, hidden: [], activation: 'tanh' };

  const standardised = (values: readonly number[]): number[] => {
    const mean = values.reduce((a, v) => a + v, 0) / values.length;
    const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length);
    return values.map((v) => (v - mean) / std);
  };
  const xs0 = standardised(x.map((r) => r[0] ?? NaN));
  const xs1 = standardised(x.map((r) => r[1] ?? NaN));
  const ys = standardised(y);
  const batchRows = (t: number): number[] => {
    const keys = shuffleKeys(key, 0, Math.floor(t / 2));
    const start = (t % 2) * 3;
    return Array.from({ length: Math.min(3, N - start) }, (_, k) => permute(start + k, N, keys));
  };
  const nll = (yv: number, f: number, sigma: number): number => 0.5 * ((yv - f) / sigma) ** 2 + Math.log(sigma) + 0.5 * Math.log(2 * Math.PI);
  const sp = (v: number): number => Math.log1p(Math.exp(v));
  /** KL(N(mu, s²) ‖ N(0, p²)). */
  const kl = (mu: number, s: number, p: number): number => Math.log(p / s) + (s * s + mu * mu) / (2 * p * p) - 0.5;

  // W_loc, W_rho, b_loc, b_rho, sigma_loc, sigma_rho (and log λ_0 when hierarchical).
  const base = [0.3, -0.7, -1.2, -2, 0.2, -1.5, Math.log(0.4), -1];

  /** f of batch slot b (data row r) at K-sample k of step t. */
  type Output = (t: number, k: number, b: number, r: number) => number;

  function expected(theta: readonly number[], priorStd: number, hyper: number, output: Output): (rows: number[], t: number) => number {
    return (rows, t) => {
      const [m0 = 0, m1 = 0, r0 = 0, r1 = 0, mb = 0, rb = 0, sl = 0, sr = 0] = theta;
      let data = 0;
      let sigmaTerm = 0;
      for (let k = 0; k < K; k++) {
        const z = normalAt(key, t * K + k, STREAM_NOISE, 0, 1);
        const sigma = Math.exp(sl + sp(sr) * z);
        rows.forEach((r, b) => (data += nll(ys[r] ?? NaN, output(t, k, b, r), sigma)));
        sigmaTerm += logNormalLogPdf(sigma, sl, sp(sr)) - gammaLogPdf(sigma, 0.5, 1);
      }
      const prior = kl(m0, sp(r0), priorStd) + kl(m1, sp(r1), priorStd) + kl(mb, sp(rb), priorStd);
      return (N / rows.length / K) * data + prior + sigmaTerm / K + hyper;
    };
  }

  function check(options: Partial<TrainOptions>, theta: readonly number[], value: (rows: number[], t: number) => number): void {
    const state = oracleInit(arch, { x, y }, { method: 'vi', epochs: 2, batchSize: 3, samplesPerStep: K, seed, models: [{ priorScale: 0.8 }], ...options });
    expect(state.setup.layout.size).toBe(theta.length);
    state.models[0]!.theta.set(theta);
    for (const t of [0, 1, 3]) {
      const rows = batchRows(t);
      const g = oracleGradient(state, 0, t)!;
      expect([...g.positions]).toEqual(rows);
      expect(g.objective).toBeCloseTo(value(rows, t), 12);
      expect(g.loss).toBeCloseTo(g.objective / N, 14);
    }
  }

  /** f = mu + sqrt(v) eps with eps at element b * units + j = b of layer 0's STREAM_MARGINAL. */
  const localOutput =
    (theta: readonly number[]): Output =>
    (t, k, b, r) => {
      const [m0 = 0, m1 = 0, r0 = 0, r1 = 0, mb = 0, rb = 0] = theta;
      const h0 = xs0[r] ?? NaN;
      const h1 = xs1[r] ?? NaN;
      const mu = m0 * h0 + m1 * h1 + mb;
      const v = sp(rb) ** 2 + sp(r0) ** 2 * h0 * h0 + sp(r1) ** 2 * h1 * h1;
      return mu + Math.sqrt(v) * normalAt(key, t * K + k, layerStream(0, STREAM_MARGINAL), b, 1);
    };

  /** f = b + s_b E_b + Σ W h + r Σ s E q h, signs at b * (2 + 1) + c of layer 0's STREAM_FLIP. */
  const flipoutOutput =
    (theta: readonly number[]): Output =>
    (t, k, b, r) => {
      const [m0 = 0, m1 = 0, r0 = 0, r1 = 0, mb = 0, rb = 0] = theta;
      const E = (e: number): number => normalAt(key, t * K + k, layerStream(0, STREAM_WEIGHTS), e, 1);
      const sign = (c: number): number => (wordAt(key, t * K + k, layerStream(0, STREAM_FLIP), b * 3 + c, 1) < TWO_POW_31 ? 1 : -1);
      const h0 = xs0[r] ?? NaN;
      const h1 = xs1[r] ?? NaN;
      const flip = sp(r0) * E(0) * sign(0) * h0 + sp(r1) * E(1) * sign(1) * h1;
      return mb + sp(rb) * E(2) + m0 * h0 + m1 * h1 + sign(2) * flip;
    };

  /** f with one weight draw shared by the batch. */
  const sharedOutput =
    (theta: readonly number[]): Output =>
    (t, k, _b, r) => {
      const [m0 = 0, m1 = 0, r0 = 0, r1 = 0, mb = 0, rb = 0] = theta;
      const E = (e: number): number => normalAt(key, t * K + k, layerStream(0, STREAM_WEIGHTS), e, 1);
      return (m0 + sp(r0) * E(0)) * (xs0[r] ?? NaN) + (m1 + sp(r1) * E(1)) * (xs1[r] ?? NaN) + mb + sp(rb) * E(2);
    };

  it('local', () => check({ viEstimator: 'local' }, base, expected(base, 0.8, 0, localOutput(base))));
  it('flipout', () => check({ viEstimator: 'flipout' }, base, expected(base, 0.8, 0, flipoutOutput(base))));

  const logLambda = 0.7;
  const hierTheta = [...base, logLambda];
  const lambda = Math.exp(logLambda);
  // −log Gamma(λ | 1, 1) = λ.
  for (const [viEstimator, output] of [
    ['reparameterization', sharedOutput],
    ['local', localOutput],
    ['flipout', flipoutOutput],
  ] as const) {
    it(`hierarchical ${viEstimator}: prior N(0, 1/λ), plus λ`, () =>
      check({ viEstimator, hierarchical: true }, hierTheta, expected(hierTheta, 1 / Math.sqrt(lambda), lambda, output(hierTheta))));
  }
});

describe('estimators: same expected objective, lower gradient variance', () => {
  // 48 rows in one full batch per step: every step sees the same rows (in a new order) with fresh draws.
  const rand = testRng(41);
  const n = 48;
  const x = Array.from({ length: n }, () => [2 * rand() - 1]);
  const y = x.map((r) => Math.sin(3 * (r[0] ?? 0)) + 0.1 * gaussian(rand));
  const arch: ArchitectureSpec = { inputDim: 1, hidden: [8], activation: 'tanh' };
  const scale = Math.log(Math.expm1(0.3));

  /** Objectives and gradients of T steps at one fixed θ (init locs, every posterior std 0.3). */
  function run(viEstimator: ViEstimator, T: number): { objective: Float64Array; grads: Float64Array[]; size: number } {
    const state = oracleInit(arch, { x, y }, { method: 'vi', epochs: T, batchSize: n, seed: 1, viEstimator });
    const { layout } = state.setup;
    const theta = state.models[0]!.theta;
    for (const layer of layout.layers) {
      theta.fill(scale, layer.weightRho, layer.weightRho + layer.units * layer.inputs);
      theta.fill(scale, layer.biasRho, layer.biasRho + layer.units);
    }
    const objective = new Float64Array(T);
    const grads: Float64Array[] = [];
    for (let t = 0; t < T; t++) {
      const g = oracleGradient(state, 0, t)!;
      objective[t] = g.objective;
      grads.push(g.grad);
    }
    return { objective, grads, size: layout.noise };
  }

  it('local and flipout are unbiased for the reparameterisation objective (paired z-test)', () => {
    // Paired by step: the same sigma draw (STREAM_NOISE) and KL, independent weight-side draws. Under
    // the null |z| < 4 fails with probability 6e-5 per comparison; the seeds are fixed, so the test is deterministic.
    const T = 1000;
    const shared = run('reparameterization', T).objective;
    for (const viEstimator of ['local', 'flipout'] as const) {
      const other = run(viEstimator, T).objective;
      const diff = other.map((v, t) => v - (shared[t] ?? NaN));
      const mean = diff.reduce((a, v) => a + v, 0) / T;
      const variance = diff.reduce((a, v) => a + (v - mean) ** 2, 0) / (T - 1);
      const z = mean / Math.sqrt(variance / T);
      expect(Math.abs(z)).toBeLessThan(4);
    }
  });

  it('local (and flipout) reduce the variance of the weight gradients', () => {
    // Observed over seeds: local ~10x, flipout ~5x below the shared draw's total variance; assert 2x.
    const T = 200;
    const total = (viEstimator: ViEstimator): number => {
      const { grads, size } = run(viEstimator, T);
      let sum = 0;
      for (let i = 0; i < size; i++) {
        const mean = grads.reduce((a, g) => a + (g[i] ?? 0), 0) / T;
        sum += grads.reduce((a, g) => a + ((g[i] ?? 0) - mean) ** 2, 0) / (T - 1);
      }
      return sum;
    };
    const shared = total('reparameterization');
    expect(total('local')).toBeLessThan(0.5 * shared);
    expect(total('flipout')).toBeLessThan(0.5 * shared);
  });
});

describe('training', () => {
  const data = sinData(200, 0.1, 21);
  const cases: [string, Partial<TrainOptions>][] = [
    ['local', { viEstimator: 'local' }],
    ['flipout', { viEstimator: 'flipout' }],
    ['hierarchical', { hierarchical: true }],
    ['hierarchical + local', { hierarchical: true, viEstimator: 'local' }],
  ];
  for (const [what, extra] of cases) {
    it(`${what}: the objective decreases on y = sin(3x) + noise`, () => {
      const epochs = 100;
      const result = oracleTrain({ inputDim: 1, hidden: [16], activation: 'tanh' }, data, { method: 'vi', epochs, lr: 1e-2, batchSize: 50, seed: 1, ...extra });
      const mean = (from: number, to: number): number => result.history.slice(from, to).reduce((a, h) => a + (h[0] ?? NaN), 0) / (to - from);
      expect(mean(50, 100)).toBeLessThan(mean(0, 50));
      expect(mean(80, 100)).toBeLessThan(mean(0, 20) - 1);
      if (extra.hierarchical) {
        // The log precisions moved from their start (0 for priorScale 1).
        const layout = trainLayout({ inputDim: 1, hidden: [16], activation: 'tanh' }, 'vi', true);
        const logLambda = result.theta[0]!.subarray(layout.precision, layout.precision + 2);
        for (const v of logLambda) expect(Math.abs(v)).toBeGreaterThan(1e-2);
      }
    });
  }
});

describe('bad inputs are InvalidInputErrors', () => {
  const arch: ArchitectureSpec = { inputDim: 2, hidden: [3], activation: 'tanh' };
  const data: TrainData = {
    x: [
      [0, 1],
      [1, 2],
      [2, 0],
    ],
    y: [1, 2, 3],
  };
  const bad: [string, TrainOptions][] = [
    ["viEstimator 'local' on map", { method: 'map', epochs: 1, viEstimator: 'local' }],
    ["viEstimator 'flipout' on mc-dropout", { method: 'mc-dropout', epochs: 1, viEstimator: 'flipout' }],
    ['hierarchical on ensemble', { method: 'ensemble', epochs: 1, hierarchical: true }],
    ['hierarchical on map', { method: 'map', epochs: 1, hierarchical: true }],
    ['unknown viEstimator', { method: 'vi', epochs: 1, viEstimator: 'score' as unknown as ViEstimator }],
    ['hierarchical not a boolean', { method: 'vi', epochs: 1, hierarchical: 1 as unknown as boolean }],
  ];
  for (const [what, options] of bad) {
    it(what, () => {
      expect(() => prepareRun(arch, data, options)).toThrow(InvalidInputError);
      expect(() => oracleTrain(arch, data, options)).toThrow(InvalidInputError);
    });
  }

  it('explicit defaults are accepted on every method', () => {
    for (const method of ['vi', 'mc-dropout', 'ensemble', 'map'] as TrainMethod[]) {
      expect(() => prepareRun(arch, data, { method, epochs: 1, viEstimator: 'reparameterization', hierarchical: false })).not.toThrow();
    }
  });
});

describe('the default estimator is unchanged', () => {
  it("viEstimator 'reparameterization' and hierarchical false give the default objective and gradient", () => {
    const arch: ArchitectureSpec = { inputDim: 2, hidden: [3], activation: 'sigmoid' };
    const data: TrainData = { x: uniformRows(6, 2, -1, 1, 7), y: [1, 0, 2, 1, 3, 0] };
    const options: TrainOptions = { method: 'vi', epochs: 1, batchSize: 4, samplesPerStep: 3, seed: 4 };
    const a = oracleInit(arch, data, options);
    const b = oracleInit(arch, data, { ...options, viEstimator: 'reparameterization', hierarchical: false });
    const ga = oracleGradient(a, 0, 1)!;
    const gb = oracleGradient(b, 0, 1)!;
    expect(gb.objective).toBe(ga.objective);
    expect([...gb.grad]).toEqual([...ga.grad]);
  });
});
