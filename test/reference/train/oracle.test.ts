/**
 * The float64 training oracle (src/reference/train/): exact gradients (against finite differences),
 * minibatch bookkeeping, the optimiser, convergence on known functions, the θ -> Model conversion
 * and input validation. Every seed is fixed, so the file is deterministic.
 */
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../src/errors.js';
import { softplus } from '../../../src/math/activations.js';
import { ACTIVATIONS, tensorNames } from '../../../src/model/spec.js';
import type { Activation, Model } from '../../../src/model/spec.js';
import { validateModel } from '../../../src/model/validate-model.js';
import { gammaLogPdf, logNormalLogPdf } from '../../../src/math/densities.js';
import { normalAt } from '../../../src/random/draws.js';
import { philox4x32 } from '../../../src/random/philox.js';
import { STREAM_DROPOUT, STREAM_NOISE, STREAM_WEIGHTS, boxMuller, layerStream, seedToKey } from '../../../src/random/streams.js';
import { oraclePredict } from '../../../src/reference/index.js';
import {
  adversarialMinibatch,
  batchPositions,
  clipGradient,
  forward,
  locParams,
  minibatchObjective,
  objectiveConfig,
  oracleGradient,
  oracleInit,
  oracleModels,
  oracleStep,
  oracleTrain,
  optimizerState,
  optimizerUpdate,
  stepDraws,
} from '../../../src/reference/train/index.js';
import type { Minibatch, OracleState } from '../../../src/reference/train/index.js';
import { trainLayout } from '../../../src/objective/layout.js';
import { learningRate, prepareRun } from '../../../src/objective/prepare.js';
import { permute, shuffleKeys } from '../../../src/random/shuffle.js';
import { STREAM_INIT } from '../../../src/random/train-streams.js';
import type { ArchitectureSpec, TrainData, TrainMethod, TrainOptions } from '../../../src/objective/types.js';
import { testRng } from '../../support/model-builders.js';
import { sinData, uniformRows } from '../../support/train-data.js';

const METHODS: readonly TrainMethod[] = ['vi', 'mc-dropout', 'ensemble', 'map'];

const GRID = Array.from({ length: 41 }, (_, i) => [-0.9 + (1.8 * i) / 40]);

function gridRmse(model: Model | readonly Model[], truth: (x: number) => number, samples: number): number {
  const models: readonly Model[] = Array.isArray(model) ? model : [model as Model];
  const mean = new Float64Array(GRID.length);
  for (const m of models) {
    const p = oraclePredict(m, GRID, { samples, seed: 3 });
    p.mean.forEach((v, i) => (mean[i] = (mean[i] ?? 0) + v / models.length));
  }
  let sq = 0;
  GRID.forEach((r, i) => (sq += ((mean[i] ?? 0) - truth(r[0] ?? 0)) ** 2));
  return Math.sqrt(sq / GRID.length);
}

describe('gradients against finite differences', () => {
  const arch = (activation: Activation): ArchitectureSpec => ({ inputDim: 2, hidden: [3, 2], activation, dropout: 0.3 });
  const data: TrainData = { x: uniformRows(7, 2, -2, 2, 11), y: uniformRows(7, 1, -1, 1, 12).map((r) => r[0] ?? 0) };

  /** Random θ of moderate size: locs in (-1, 1), scales softplus(rho) in (0.05, 0.5), PReLU slopes in (0.05, 0.5). */
  function randomizeTheta(state: OracleState, seed: number): void {
    const rand = testRng(seed);
    const { layout } = state.setup;
    const theta = state.models[0]?.theta ?? new Float64Array(0);
    for (let i = 0; i < theta.length; i++) theta[i] = 2 * rand() - 1;
    for (const layer of layout.layers) {
      const w = layer.units * layer.inputs;
      if (layer.weightRho >= 0) for (let i = 0; i < w; i++) theta[layer.weightRho + i] = -3 + 2.3 * rand();
      if (layer.biasRho >= 0) for (let i = 0; i < layer.units; i++) theta[layer.biasRho + i] = -3 + 2.3 * rand();
      if (layer.prelu >= 0) for (let i = 0; i < layer.units; i++) theta[layer.prelu + i] = 0.05 + 0.45 * rand();
    }
  }

  /** Smallest |pre-activation| of the step's forward passes (every K-sample for 'vi'). */
  function minAbsPre(state: OracleState, t: number): number {
    const { setup } = state;
    const model = setup.models[0];
    const theta = state.models[0]?.theta;
    const g = oracleGradient(state, 0, t);
    if (!model || !theta || !g) throw new Error('no step');
    const dim = setup.layout.layers[0]?.inputs ?? 0;
    const x = new Float64Array(g.positions.length * dim);
    g.positions.forEach((p, k) => x.set(model.x.subarray(p * dim, (p + 1) * dim), k * dim));
    const draws = stepDraws(setup, model, t, g.positions.length);
    const { params, slopes } = locParams(setup.layout, theta);
    const paramSets =
      setup.method === 'vi'
        ? draws.eps.map((eps) =>
            params.map((loc, l) => {
              const layer = setup.layout.layers[l];
              return loc.map((v, e) => {
                const w = (layer?.units ?? 0) * (layer?.inputs ?? 0);
                const rho = e < w ? theta[(layer?.weightRho ?? 0) + e] : theta[(layer?.biasRho ?? 0) + e - w];
                return v + softplus(rho ?? NaN) * (eps[l]?.[e] ?? NaN);
              });
            }),
          )
        : [params];
    let min = Infinity;
    for (const ps of paramSets) {
      for (const trace of forward(setup.layout, ps, slopes, x, g.positions.length, draws.masks)) {
        for (const v of trace.pre) min = Math.min(min, Math.abs(v));
      }
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

  for (const method of METHODS) {
    for (const activation of ACTIVATIONS) {
      it(`${method} / ${activation}`, () => {
        const state = oracleInit(arch(activation), data, {
          method,
          epochs: 2,
          batchSize: 5,
          samplesPerStep: 2,
          seed: 5,
          models: [{ tau: 3, priorScale: 0.7 }],
        });
        // Step 1 is the short last batch of epoch 0 (2 rows); step 2 a full one of epoch 1.
        for (const t of [1, 2]) {
          // Pick weights with no pre-activation within 1e-3 of a kink (relu, leaky_relu, prelu at 0).
          let seed = 100;
          do randomizeTheta(state, seed++);
          while (minAbsPre(state, t) < 1e-3 && seed < 200);
          expect(minAbsPre(state, t)).toBeGreaterThan(1e-3);

          const g = oracleGradient(state, 0, t);
          if (!g) throw new Error('model 0 runs every step');
          if (method === 'mc-dropout') {
            // Some units are dropped in every layer, so the masks' path through backward is exercised.
            const { masks } = stepDraws(state.setup, state.setup.models[0]!, t, g.positions.length);
            expect(masks.every((m) => m?.includes(0))).toBe(true);
          }
          const scale = Math.max(...g.grad.map(Math.abs));
          for (let i = 0; i < g.grad.length; i++) {
            const fd: number = finiteDifference(state, t, i, 1e-4);
            const exact: number = g.grad[i] ?? NaN;
            const rel = Math.abs(exact - fd) / Math.max(Math.abs(exact), Math.abs(fd), 1e-3 * scale);
            if (rel > 1e-5) expect.fail(`θ[${i}]: gradient ${exact}, finite difference ${fd} (relative ${rel})`);
          }
        }
      });
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
  const seed = 7;
  const key = seedToKey(seed);
  const options = (method: TrainMethod): TrainOptions => ({
    method,
    epochs: 2,
    batchSize: 3,
    samplesPerStep: 2,
    seed,
    models: [{ tau: 2, priorScale: 0.8, dropout: 0.4 }],
  });
  const arch: ArchitectureSpec = { inputDim: 2, hidden: [], activation: 'tanh' };

  /** Population-standardised columns, computed independently of the oracle. */
  const standardised = (values: readonly number[]): number[] => {
    const mean = values.reduce((a, v) => a + v, 0) / values.length;
    const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length);
    return values.map((v) => (v - mean) / std);
  };
  const xs0 = standardised(x.map((r) => r[0] ?? NaN));
  const xs1 = standardised(x.map((r) => r[1] ?? NaN));
  const ys = standardised(y);

  /** The step's rows by the documented addressing: position s*B + k of permute keyed by (seed, model, epoch). */
  const batchRows = (t: number): number[] => {
    const epoch = Math.floor(t / 2);
    const start = (t % 2) * 3;
    const keys = shuffleKeys(key, 0, epoch);
    return Array.from({ length: Math.min(3, N - start) }, (_, k) => permute(start + k, N, keys));
  };

  const nll = (yv: number, f: number, sigma: number): number => 0.5 * ((yv - f) / sigma) ** 2 + Math.log(sigma) + 0.5 * Math.log(2 * Math.PI);

  function check(method: TrainMethod, theta: readonly number[], expected: (rows: number[], t: number) => number): void {
    const state = oracleInit(arch, { x, y }, options(method));
    expect(state.setup.layout.size).toBe(theta.length);
    state.models[0]!.theta.set(theta);
    for (const t of [0, 1, 3]) {
      const rows = batchRows(t);
      const g = oracleGradient(state, 0, t)!;
      expect([...g.positions]).toEqual(rows);
      expect(g.objective).toBeCloseTo(expected(rows, t), 12);
      expect(g.loss).toBeCloseTo(method === 'vi' ? g.objective / N : g.objective, 14);
    }
  }

  it('map', () => {
    const theta = [0.3, -0.7, 0.2, Math.log(0.6)];
    check('map', theta, (rows) => {
      const [w0 = 0, w1 = 0, b = 0, logSigma = 0] = theta;
      let data = 0;
      for (const r of rows) data += nll(ys[r] ?? NaN, w0 * (xs0[r] ?? NaN) + w1 * (xs1[r] ?? NaN) + b, Math.exp(logSigma));
      const prior = [w0, w1, b].reduce((a, w) => a + nll(w, 0, 0.8), 0);
      return data / rows.length + prior / N;
    });
  });

  it('mc-dropout', () => {
    const theta = [0.3, -0.7, 0.2];
    check('mc-dropout', theta, (rows, t) => {
      const [w0 = 0, w1 = 0, b = 0] = theta;
      const stream = layerStream(0, STREAM_DROPOUT);
      // Unit i of slot b: 16-bit half b % 8 (low half of word (b % 8) / 2 first) of block floor(b / 8) * 2 + i, kept below round(0.6 * 2^16).
      const keep = (slot: number, i: number): number => {
        const words = philox4x32(Math.floor(slot / 8) * 2 + i, t, stream, 1, key[0], key[1]);
        const h = slot % 8;
        const half = ((words[h >> 1] ?? NaN) >>> (16 * (h & 1))) & 0xffff;
        return half < Math.round(0.6 * 65536) ? 1 / 0.6 : 0;
      };
      let data = 0;
      rows.forEach((r, slot) => {
        const f = w0 * keep(slot, 0) * (xs0[r] ?? NaN) + w1 * keep(slot, 1) * (xs1[r] ?? NaN) + b;
        data += ((ys[r] ?? NaN) - f) ** 2;
      });
      const lambda = (0.4 * 0.01 ** 2) / (2 * N * 2);
      return data / rows.length + lambda * (w0 * w0 + w1 * w1 + b * b);
    });
  });

  it('ensemble', () => {
    const theta = [0.3, -0.7, 0.1, 0.4, 0.2, -0.5];
    check('ensemble', theta, (rows) => {
      const [a0 = 0, a1 = 0, c0 = 0, c1 = 0, b0 = 0, b1 = 0] = theta;
      let data = 0;
      for (const r of rows) {
        const mu = a0 * (xs0[r] ?? NaN) + a1 * (xs1[r] ?? NaN) + b0;
        const raw = c0 * (xs0[r] ?? NaN) + c1 * (xs1[r] ?? NaN) + b1;
        data += nll(ys[r] ?? NaN, mu, Math.log1p(Math.exp(raw)) + 1e-3);
      }
      return data / rows.length;
    });
  });

  it('vi', () => {
    // W_loc, W_rho, b_loc, b_rho, sigma_loc, sigma_rho.
    const theta = [0.3, -0.7, -1.2, -2, 0.2, -1.5, Math.log(0.4), -1];
    check('vi', theta, (rows, t) => {
      const [m0 = 0, m1 = 0, r0 = 0, r1 = 0, mb = 0, rb = 0, sl = 0, sr = 0] = theta;
      const sp = (v: number): number => Math.log1p(Math.exp(v));
      const K = 2;
      let data = 0;
      let sigmaTerm = 0;
      for (let k = 0; k < K; k++) {
        const eps = (e: number): number => normalAt(key, t * K + k, layerStream(0, STREAM_WEIGHTS), e, 1);
        const words = philox4x32(0, t * K + k, STREAM_NOISE, 1, key[0], key[1]);
        const z = boxMuller(words[0], words[1], false);
        const sigma = Math.exp(sl + sp(sr) * z);
        const w0 = m0 + sp(r0) * eps(0);
        const w1 = m1 + sp(r1) * eps(1);
        const b = mb + sp(rb) * eps(2);
        for (const r of rows) data += nll(ys[r] ?? NaN, w0 * (xs0[r] ?? NaN) + w1 * (xs1[r] ?? NaN) + b, sigma);
        sigmaTerm += logNormalLogPdf(sigma, sl, sp(sr)) - gammaLogPdf(sigma, 0.5, 1);
      }
      const kl = (mu: number, s: number): number => Math.log(0.8 / s) + (s * s + mu * mu) / (2 * 0.64) - 0.5;
      return (N / rows.length / K) * data + kl(m0, sp(r0)) + kl(m1, sp(r1)) + kl(mb, sp(rb)) + sigmaTerm / K;
    });
  });
});

describe('adversarial training (fast gradient sign)', () => {
  const arch: ArchitectureSpec = { inputDim: 2, hidden: [4], activation: 'tanh' };
  const xs = uniformRows(9, 2, -2, 2, 31);
  const data: TrainData = { x: xs, y: uniformRows(9, 1, -1, 1, 32).map((r) => r[0] ?? 0) };
  const base = { epochs: 1, batchSize: 5, seed: 7 } as const;

  /** Model 0's first minibatch, its objective config and draws. */
  function firstStep(method: TrainMethod, epsilon: number) {
    const state = oracleInit(arch, data, { method, ...base, adversarialEpsilon: epsilon });
    const { setup } = state;
    const model = setup.models[0]!;
    const positions = batchPositions(setup, model, 0, 0);
    const x = new Float64Array(positions.length * 2);
    positions.forEach((p, k) => x.set(model.x.subarray(2 * p, 2 * p + 2), 2 * k));
    const batch: Minibatch = { rows: positions.length, x, y: Float64Array.from(positions, (p) => model.y[p] ?? NaN) };
    const cfg = objectiveConfig(setup, model);
    return { setup, theta: state.models[0]!.theta, batch, cfg, draws: stepDraws(setup, model, 0, positions.length) };
  }

  it('the step per input is e times its range over the model rows, in standardised units; off by default', () => {
    const run = prepareRun(arch, data, { method: 'ensemble', ...base, adversarialEpsilon: 0.01, models: [{}, { rows: [0, 3, 5] }] });
    const rowsOf = [Array.from({ length: 9 }, (_, i) => i), [0, 3, 5]];
    run.models.forEach((p, m) => {
      for (let c = 0; c < 2; c++) {
        const v = rowsOf[m]!.map((r) => xs[r]![c]!);
        expect(p.adversarialStep?.[c]).toBeCloseTo((0.01 * (Math.max(...v) - Math.min(...v))) / p.xStd[c]!, 12);
      }
    });
    expect(run.adversarial).toBe(true);
    const off = prepareRun(arch, data, { method: 'ensemble', ...base });
    expect(off.adversarial).toBe(false);
    expect(off.models[0]?.adversarialStep).toBeNull();
    // A constant column has no range: its inputs are not moved.
    const flat = prepareRun(arch, { x: xs.map((r) => [r[0]!, 3]), y: data.y }, { method: 'map', ...base, adversarialEpsilon: 0.01 });
    expect(flat.models[0]?.adversarialStep?.[1]).toBe(0);
  });

  for (const method of ['ensemble', 'map'] as const) {
    it(`${method}: each copy moves every input by its step along the sign of the data term's slope in x (finite differences)`, () => {
      const { setup, theta, batch, cfg, draws } = firstStep(method, 0.05);
      const step = cfg.adversarialStep!;
      const adv = adversarialMinibatch(setup.layout, cfg, theta, batch, draws.masks, step);
      expect(adv.rows).toBe(2 * batch.rows);
      expect([...adv.x.subarray(0, batch.x.length)]).toEqual([...batch.x]);
      expect([...adv.y]).toEqual([...batch.y, ...batch.y]);
      const plain = { ...cfg, adversarialStep: null };
      const h = 1e-5;
      for (let e = 0; e < batch.x.length; e++) {
        const at = (delta: number) => {
          const x = batch.x.slice();
          x[e] = (x[e] ?? NaN) + delta;
          return minibatchObjective(setup.layout, plain, theta, { ...batch, x }, draws).loss;
        };
        const slope = (at(h) - at(-h)) / (2 * h);
        expect(Math.abs(slope)).toBeGreaterThan(1e-6);
        const moved = (adv.x[batch.x.length + e] ?? NaN) - (batch.x[e] ?? NaN);
        expect(moved).toBeCloseTo(Math.sign(slope) * (step[e % 2] ?? NaN), 12);
      }
    });

    it(`${method}: the objective and its gradient are the mean of the clean and the adversarial minibatch's`, () => {
      const { setup, theta, batch, cfg, draws } = firstStep(method, 0.05);
      const plain = { ...cfg, adversarialStep: null };
      const adv = adversarialMinibatch(setup.layout, cfg, theta, batch, draws.masks, cfg.adversarialStep!);
      const copies: Minibatch = { rows: batch.rows, x: adv.x.slice(batch.x.length), y: batch.y };
      const both = minibatchObjective(setup.layout, cfg, theta, batch, draws);
      const clean = minibatchObjective(setup.layout, plain, theta, batch, draws);
      const moved = minibatchObjective(setup.layout, plain, theta, copies, draws);
      // ('map': the prior term is in both, so their mean counts it once.)
      expect(both.loss).toBeCloseTo((clean.loss + moved.loss) / 2, 12);
      both.grad.forEach((g, i) => expect(g).toBeCloseTo(((clean.grad[i] ?? NaN) + (moved.grad[i] ?? NaN)) / 2, 12));
      // The copies are worse for the model than the rows they come from (a first-order ascent step).
      expect(moved.loss).toBeGreaterThan(clean.loss);
    });
  }

  for (const [method, activation] of [
    ['ensemble', 'relu'],
    ['ensemble', 'prelu'],
    ['map', 'tanh'],
    ['map', 'gelu'],
  ] as const) {
    it(`${method} / ${activation}: the gradient over θ against finite differences (the copies held fixed)`, () => {
      const state = oracleInit({ inputDim: 2, hidden: [3, 2], activation }, data, { method, ...base, adversarialEpsilon: 0.02 });
      const theta = state.models[0]!.theta;
      const rand = testRng(41);
      for (let i = 0; i < theta.length; i++) theta[i] = 2 * rand() - 1;
      const g = oracleGradient(state, 0, 0)!;
      const at = (i: number, delta: number) => {
        const saved = theta[i] ?? NaN;
        theta[i] = saved + delta;
        const v = oracleGradient(state, 0, 0)!.objective;
        theta[i] = saved;
        return v;
      };
      const h = 1e-4;
      const scale = Math.max(...g.grad.map(Math.abs));
      for (let i = 0; i < theta.length; i++) {
        const fd = (8 * (at(i, h) - at(i, -h)) - (at(i, 2 * h) - at(i, -2 * h))) / (12 * h);
        const exact = g.grad[i] ?? NaN;
        const rel = Math.abs(exact - fd) / Math.max(Math.abs(exact), Math.abs(fd), 1e-3 * scale);
        if (rel > 1e-5) expect.fail(`θ[${i}]: gradient ${exact}, finite difference ${fd} (relative ${rel})`);
      }
      // Training adversarially changes the gradient.
      const plain = oracleInit({ inputDim: 2, hidden: [3, 2], activation }, data, { method, ...base });
      plain.models[0]!.theta.set(theta);
      const gPlain = oracleGradient(plain, 0, 0)!;
      expect(Math.max(...g.grad.map((v, i) => Math.abs(v - (gPlain.grad[i] ?? NaN))))).toBeGreaterThan(1e-3 * scale);
    });
  }
});

describe('initialisation and standardisation', () => {
  it('θ starts as types.ts says, model by model', () => {
    const key = seedToKey(13);
    const state = oracleInit(
      { inputDim: 3, hidden: [2], activation: 'prelu' },
      { x: uniformRows(4, 3, 0, 1, 1), y: [1, 2, 3, 4] },
      {
        method: 'vi',
        epochs: 1,
        seed: 13,
        models: [{}, {}],
      },
    );
    const theta = state.models[1]!.theta;
    // Layer 0: W_loc 0..5, W_rho 6..11, b_loc 12..13, b_rho 14..15, prelu 16..17; layer 1: W_loc 18..19, W_rho 20..21, b 22, rho 23; noise 24, 25.
    for (let e = 0; e < 6; e++) expect(theta[e]).toBe(normalAt(key, 0, STREAM_INIT, e, 2) / Math.sqrt(3));
    for (let e = 18; e < 20; e++) expect(theta[e]).toBe(normalAt(key, 0, STREAM_INIT, e, 2) / Math.sqrt(2));
    const rho = Math.log(Math.expm1(1e-3));
    expect([...theta.subarray(6, 18)]).toEqual([...Array<number>(6).fill(rho), 0, 0, rho, rho, 0.25, 0.25]);
    expect([...theta.subarray(20, 26)]).toEqual([rho, rho, 0, rho, Math.log(0.5), Math.log(Math.expm1(0.1))]);
    expect(state.models[0]!.theta[0]).not.toBe(theta[0]);
  });

  it('per model, population std, a constant column standardises to 0', () => {
    const x = [
      [1, 5],
      [2, 5],
      [4, 5],
      [9, 5],
    ];
    const state = oracleInit(
      { inputDim: 2, hidden: [2], activation: 'tanh' },
      { x, y: [0, 1, 2, 3] },
      {
        method: 'map',
        epochs: 1,
        models: [{ rows: [0, 1, 2] }, {}],
      },
    );
    const [a, b] = state.setup.models;
    const close = (got: readonly number[], want: readonly number[]) => want.forEach((w, i) => expect(got[i]).toBeCloseTo(w, 14));
    close(a!.standardization.xMean, [7 / 3, 5]);
    close(a!.standardization.xStd, [Math.sqrt(14 / 9), 1]);
    close([...a!.standardization.yMean, ...a!.standardization.yStd], [1, Math.sqrt(2 / 3)]);
    close(b!.standardization.xMean, [4, 5]);
    close(b!.standardization.xStd, [Math.sqrt(9.5), 1]);
    expect([...a!.x.filter((_, i) => i % 2 === 1)]).toEqual([0, 0, 0]);
  });
});

describe('minibatches', () => {
  const data: TrainData = { x: uniformRows(12, 1, 0, 1, 3), y: uniformRows(12, 1, 0, 1, 4).map((r) => r[0] ?? 0) };
  const rows10 = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const rows7 = [11, 10, 2, 4, 6, 8, 2];
  const state = oracleInit({ inputDim: 1, hidden: [3], activation: 'tanh' }, data, {
    method: 'map',
    epochs: 3,
    batchSize: 4,
    models: [{ rows: rows10 }, { rows: rows10 }, { rows: rows7 }],
  });
  const { setup } = state;
  const order = (m: number, epoch: number): number[] => Array.from({ length: setup.run.maxStepsPerEpoch }, (_, s) => [...batchPositions(setup, setup.models[m]!, epoch, s)]).flat();

  it('steps per epoch follow each model, the longest sets the global count', () => {
    expect(setup.models.map((m) => m.prepared.stepsPerEpoch)).toEqual([3, 3, 2]);
    expect(setup.run.maxStepsPerEpoch).toBe(3);
    expect(setup.models.map((m) => batchPositions(setup, m, 0, 2).length)).toEqual([2, 2, 0]);
    expect(batchPositions(setup, setup.models[2]!, 0, 1).length).toBe(3);
  });

  it('every row appears exactly once per epoch', () => {
    for (let m = 0; m < 3; m++) {
      const model = setup.models[m]!;
      for (let e = 0; e < 3; e++) {
        const positions = order(m, e);
        expect([...positions].sort((a, b) => a - b)).toEqual(Array.from({ length: model.n }, (_, i) => i));
        // Position -> data row keeps duplicates of the row list (row 2 twice in rows7).
        expect(positions.map((p) => model.prepared.rows[p]).sort()).toEqual([...model.prepared.rows].sort());
      }
    }
  });

  it('orders differ between epochs and between models', () => {
    expect(order(0, 0)).not.toEqual(order(0, 1));
    expect(order(0, 1)).not.toEqual(order(0, 2));
    expect(order(0, 0)).not.toEqual(order(1, 0));
  });

  it('a model past its epoch sits the step out entirely', () => {
    const s = oracleInit({ inputDim: 1, hidden: [3], activation: 'tanh' }, data, {
      method: 'map',
      epochs: 3,
      batchSize: 4,
      models: [{ rows: rows10 }, { rows: rows7 }],
    });
    oracleStep(s, 0);
    oracleStep(s, 1);
    const before = Float64Array.from(s.models[1]!.theta);
    const losses = oracleStep(s, 2);
    expect(Number.isNaN(losses[1])).toBe(true);
    expect(Number.isFinite(losses[0])).toBe(true);
    expect(s.models[1]!.theta).toEqual(before);
    expect(s.models.map((m) => m.optimizer.count)).toEqual([3, 2]);
    expect(oracleGradient(s, 1, 2)).toBeNull();
    oracleStep(s, 3);
    expect(s.models.map((m) => m.optimizer.count)).toEqual([4, 3]);
  });
});

describe('optimiser', () => {
  it('Adam: first step moves by lr * g / (|g| + eps), bias-corrected by the update count', () => {
    const theta = Float64Array.of(1, -2, 0);
    const g = Float64Array.of(0.5, -3, 0);
    const st = optimizerState(3);
    optimizerUpdate('adam', theta, g, st, 0.1);
    expect(theta[0]).toBeCloseTo(1 - (0.1 * 0.5) / (0.5 + 1e-8), 14);
    expect(theta[1]).toBeCloseTo(-2 + (0.1 * 3) / (3 + 1e-8), 14);
    expect(theta[2]).toBe(0);
    // Second step with gradient 1: m = 0.09*0.5... checked against the textbook formula.
    optimizerUpdate('adam', theta, Float64Array.of(1, 1, 1), st, 0.1);
    const m = 0.9 * 0.05 + 0.1 * 1;
    const v = 0.999 * 0.001 * 0.25 + 0.001 * 1;
    const step = (0.1 * (m / (1 - 0.81))) / (Math.sqrt(v / (1 - 0.999 ** 2)) + 1e-8);
    expect(theta[0]).toBeCloseTo(1 - (0.1 * 0.5) / (0.5 + 1e-8) - step, 14);
    expect(st.count).toBe(2);
  });

  it('SGD with momentum 0.9', () => {
    const theta = Float64Array.of(1);
    const st = optimizerState(1);
    optimizerUpdate('sgd', theta, Float64Array.of(2), st, 0.1);
    optimizerUpdate('sgd', theta, Float64Array.of(1), st, 0.1);
    expect(theta[0]).toBeCloseTo(1 - 0.1 * 2 - 0.1 * (0.9 * 2 + 1), 14);
  });

  it('cosine schedule and global-norm clipping', () => {
    const run = (schedule: 'constant' | 'cosine') =>
      prepareRun(
        { inputDim: 1, hidden: [], activation: 'identity' },
        { x: [1, 2, 3, 4, 5], y: [1, 2, 3, 4, 5] },
        {
          method: 'map',
          epochs: 2,
          batchSize: 1,
          lr: 0.2,
          schedule,
        },
      );
    expect(learningRate(run('constant'), 7)).toBe(0.2);
    expect(learningRate(run('cosine'), 0)).toBeCloseTo(0.2, 15);
    expect(learningRate(run('cosine'), 5)).toBeCloseTo(0.1, 15);
    const g = Float64Array.of(3, 4);
    expect(clipGradient(g, 1)).toBe(5);
    expect([...g]).toEqual([0.6000000000000001, 0.8]);
    const h = Float64Array.of(3, 4);
    clipGradient(h, 10);
    expect([...h]).toEqual([3, 4]);
    clipGradient(h, 0); // 0: no clipping
    expect([...h]).toEqual([3, 4]);
  });

  it('oracleStep clips before the update', () => {
    const data = sinData(20, 0.1, 9);
    const opts: TrainOptions = { method: 'map', epochs: 1, batchSize: 20, optimizer: 'sgd', lr: 0.5, clipNorm: 1e-3 };
    const s = oracleInit({ inputDim: 1, hidden: [4], activation: 'tanh' }, data, opts);
    const before = Float64Array.from(s.models[0]!.theta);
    oracleStep(s, 0);
    let sq = 0;
    s.models[0]!.theta.forEach((v, i) => (sq += (v - (before[i] ?? 0)) ** 2));
    expect(Math.sqrt(sq)).toBeCloseTo(0.5 * 1e-3, 12);
  });

  it("a model's own lr replaces options.lr, under the schedule too", () => {
    const data = sinData(30, 0.1, 4);
    const arch: ArchitectureSpec = { inputDim: 1, hidden: [4], activation: 'tanh' };
    const base: TrainOptions = { method: 'map', epochs: 3, batchSize: 8, schedule: 'cosine', seed: 2 };
    const own = oracleTrain(arch, data, { ...base, lr: 1e-3, models: [{ lr: 0.05 }] });
    const global = oracleTrain(arch, data, { ...base, lr: 0.05 });
    // Equal up to the rounding of lr * (0.05 / 1e-3) against 0.05.
    own.theta[0]!.forEach((v, i) => expect(v).toBeCloseTo(global.theta[0]![i] as number, 12));
    const other = oracleTrain(arch, data, { ...base, lr: 1e-3 });
    expect([...(own.theta[0] ?? [])]).not.toEqual([...(other.theta[0] ?? [])]);
  });
});

describe('training', () => {
  it('vi: the ELBO objective decreases on y = sin(3x) + noise', () => {
    const data = sinData(200, 0.1, 21);
    const result = oracleTrain({ inputDim: 1, hidden: [16], activation: 'tanh' }, data, {
      method: 'vi',
      epochs: 200,
      lr: 1e-2,
      batchSize: 50,
      seed: 1,
    });
    expect(result.history).toHaveLength(200);
    const mean = (from: number, to: number): number => result.history.slice(from, to).reduce((a, h) => a + (h[0] ?? NaN), 0) / (to - from);
    // One-sample ELBO estimates are noisy step to step, so compare averages over epochs.
    expect(mean(100, 200)).toBeLessThan(mean(0, 100));
    expect(mean(180, 200)).toBeLessThan(mean(0, 20) - 1);
    // The noise guide concentrates near the true sigma (0.1 in y units, ~0.14 in standardised units).
    const model = result.models[0]!;
    const sigmaMedian = Math.exp(model.tensors.get(tensorNames.noiseLoc)?.data[0] ?? NaN) * (model.spec.standardization?.yStd[0] ?? NaN);
    expect(sigmaMedian).toBeGreaterThan(0.05);
    expect(sigmaMedian).toBeLessThan(0.25);
    expect(gridRmse(model, (x) => Math.sin(3 * x), 200)).toBeLessThan(0.2);
  });

  it('map recovers y = 2x - 1 with 8 tanh units', () => {
    const x = uniformRows(100, 1, -1, 1, 31);
    const y = x.map((r) => 2 * (r[0] ?? 0) - 1);
    const result = oracleTrain(
      { inputDim: 1, hidden: [8], activation: 'tanh' },
      { x, y },
      {
        method: 'map',
        epochs: 300,
        lr: 1e-2,
        batchSize: 25,
        seed: 2,
      },
    );
    expect(gridRmse(result.models[0]!, (v) => 2 * v - 1, 1)).toBeLessThan(0.05);
  });

  it('mc-dropout fits sin(3x)', () => {
    const data = sinData(200, 0.1, 41);
    const result = oracleTrain({ inputDim: 1, hidden: [32], activation: 'relu' }, data, {
      method: 'mc-dropout',
      epochs: 300,
      lr: 1e-2,
      batchSize: 50,
      seed: 3,
      models: [{ dropout: 0.05, tau: 100 }],
    });
    expect(gridRmse(result.models[0]!, (x) => Math.sin(3 * x), 300)).toBeLessThan(0.15);
  });

  it('ensemble members train together and fit sin(3x)', () => {
    const data = sinData(200, 0.1, 51);
    const progress: number[] = [];
    const result = oracleTrain({ inputDim: 1, hidden: [32], activation: 'tanh' }, data, {
      method: 'ensemble',
      epochs: 200,
      lr: 1e-2,
      batchSize: 50,
      seed: 4,
      models: [{}, {}, {}],
      onProgress: (p) => progress.push(p.epoch),
    });
    expect(progress).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(result.models).toHaveLength(3);
    // Members start from different θ (different model words) and end at different functions.
    const a = oraclePredict(result.models[0]!, GRID, { samples: 1 }).mean;
    const b = oraclePredict(result.models[1]!, GRID, { samples: 1 }).mean;
    expect(a).not.toEqual(b);
    expect(gridRmse(result.models, (x) => Math.sin(3 * x), 1)).toBeLessThan(0.15);
  });
});

describe('θ -> Model', () => {
  // Large offsets and scales, so a lost standardisation shows at once.
  const x = uniformRows(60, 2, 0, 1, 61).map(([a = 0, b = 0]) => [100 + 10 * a, -5 + 0.1 * b]);
  const y = x.map(([a = 0, b = 0]) => 50 + 10 * Math.sin((a - 105) / 3) + 20 * (b + 4.95));
  const data: TrainData = { x, y };
  const arch: ArchitectureSpec = { inputDim: 2, hidden: [6], activation: 'prelu' };

  for (const method of METHODS) {
    it(`${method}: the model validates, loads into the inference oracle, predicts in original units`, () => {
      const state = oracleInit(arch, data, { method, epochs: 20, batchSize: 16, lr: 1e-2, models: [{ tau: 4 }] });
      for (let t = 0; t < 20 * state.setup.run.maxStepsPerEpoch; t++) oracleStep(state, t);
      const [model] = oracleModels(state);
      if (!model) throw new Error('one model');
      validateModel(model);
      const { setup } = state;
      const st = setup.models[0]!.standardization;
      expect(model.spec.standardization).toEqual(st);
      const yMean = y.reduce((a, v) => a + v, 0) / y.length;
      expect(st.yMean[0]).toBeCloseTo(yMean, 10);

      // Round trip: the network at θ's locs on standardised x, un-standardised, is the loaded model's
      // mean (deterministic for delta weights; the float32 tensors limit the agreement).
      const theta = state.models[0]!.theta;
      const { params, slopes } = locParams(setup.layout, theta);
      const xs = setup.models[0]!.x;
      const traces = forward(
        setup.layout,
        params,
        slopes,
        xs,
        x.length,
        setup.layout.layers.map(() => null),
      );
      const out = traces[traces.length - 1]!.out;
      const units = setup.layout.outputUnits;
      const f = Array.from({ length: x.length }, (_, n) => (st.yMean[0] ?? 0) + (st.yStd[0] ?? 0) * (out[n * units] ?? 0));
      const yStd = st.yStd[0] ?? NaN;
      if (method === 'map' || method === 'ensemble') {
        const p = oraclePredict(model, x, { samples: 1 });
        p.mean.forEach((v, n) => expect(Math.abs(v - (f[n] ?? NaN))).toBeLessThan(1e-4 * yStd));
      }
      if (method === 'ensemble') {
        const p = oraclePredict(model, x, { samples: 1 });
        p.aleatoricStd.forEach((v, n) => expect(v).toBeCloseTo(yStd * (softplus(out[n * 2 + 1] ?? NaN) + 1e-3), 3));
      }
      if (method === 'map') {
        const p = oraclePredict(model, x, { samples: 1 });
        expect(p.aleatoricStd[0]).toBeCloseTo(yStd * Math.exp(theta[setup.layout.noise] ?? NaN), 4);
      }
      if (method === 'mc-dropout') {
        expect(model.spec.layers.every((l) => l.dropout === 0.05)).toBe(true);
        // sigma = 1/sqrt(tau) in y units.
        const p = oraclePredict(model, x, { samples: 50 });
        p.aleatoricStd.forEach((v) => expect(v).toBeCloseTo(0.5, 6));
      }
      if (method === 'vi') {
        expect(model.tensors.get(tensorNames.noiseLoc)?.data[0]).toBeCloseTo(theta[setup.layout.noise] ?? NaN, 6);
        expect(model.tensors.get(tensorNames.noiseScale)?.data[0]).toBeCloseTo(softplus(theta[setup.layout.noise + 1] ?? NaN), 6);
        const w = model.tensors.get(tensorNames.weightScale(0))?.data[0] ?? NaN;
        expect(w).toBeCloseTo(softplus(theta[setup.layout.layers[0]!.weightRho] ?? NaN), 6);
      }
      // Predictions come back in the targets' units: near the training targets, not near 0.
      const p = oraclePredict(model, x, { samples: 100 });
      let sq = 0;
      p.mean.forEach((v, n) => (sq += (v - (y[n] ?? NaN)) ** 2));
      expect(Math.sqrt(sq / x.length)).toBeLessThan(0.5 * yStd);
    });
  }

  it('the layout puts every parameter once, in types.ts order', () => {
    const layout = trainLayout({ inputDim: 3, hidden: [4], activation: 'prelu' }, 'vi');
    const [l0, l1] = layout.layers;
    expect([l0?.weight, l0?.weightRho, l0?.bias, l0?.biasRho, l0?.prelu]).toEqual([0, 12, 24, 28, 32]);
    expect([l1?.weight, l1?.weightRho, l1?.bias, l1?.biasRho, l1?.prelu]).toEqual([36, 40, 44, 45, -1]);
    expect([layout.noise, layout.size]).toEqual([46, 48]);
  });
});

describe('bad inputs are InvalidInputErrors', () => {
  const arch: ArchitectureSpec = { inputDim: 2, hidden: [3], activation: 'tanh' };
  const x = [
    [0, 1],
    [1, 2],
    [2, 0],
  ];
  const y = [1, 2, 3];
  const ok: TrainOptions = { method: 'map', epochs: 1 };
  const cases: [string, ArchitectureSpec, TrainData, TrainOptions][] = [
    [
      'NaN in x',
      arch,
      {
        x: [
          [0, NaN],
          [1, 2],
          [2, 0],
        ],
        y,
      },
      ok,
    ],
    ['Infinity in x', arch, { x: [0, 1, 1, Infinity, 2, 0], y }, ok],
    ['ragged x', arch, { x: [[0, 1], [1], [2, 0]], y }, ok],
    ['flat x not a multiple of inputDim', arch, { x: [0, 1, 2], y }, ok],
    ['no rows', arch, { x: [], y: [] }, ok],
    ['y too short', arch, { x, y: [1, 2] }, ok],
    ['NaN in y', arch, { x, y: [1, NaN, 3] }, ok],
    ['row index out of range', arch, { x, y }, { ...ok, models: [{ rows: [0, 3] }] }],
    ['negative row index', arch, { x, y }, { ...ok, models: [{ rows: [-1] }] }],
    ['fractional row index', arch, { x, y }, { ...ok, models: [{ rows: [0.5] }] }],
    ['empty rows', arch, { x, y }, { ...ok, models: [{ rows: [] }] }],
    ['no models', arch, { x, y }, { ...ok, models: [] }],
    ['batchSize 0', arch, { x, y }, { ...ok, batchSize: 0 }],
    ['fractional batchSize', arch, { x, y }, { ...ok, batchSize: 1.5 }],
    ['epochs 0', arch, { x, y }, { ...ok, epochs: 0 }],
    ['unknown method', arch, { x, y }, { ...ok, method: 'svgd' as unknown as TrainMethod }],
    ['unknown activation', { ...arch, activation: 'swish' as unknown as Activation }, { x, y }, ok],
    ['inputDim 0', { ...arch, inputDim: 0 }, { x, y }, ok],
    ['hidden width 0', { ...arch, hidden: [0] }, { x, y }, ok],
    ['architecture dropout 1', { ...arch, dropout: 1 }, { x, y }, { ...ok, method: 'mc-dropout' }],
    ['model dropout < 0', arch, { x, y }, { ...ok, method: 'mc-dropout', models: [{ dropout: -0.1 }] }],
    ['tau 0', arch, { x, y }, { ...ok, method: 'mc-dropout', models: [{ tau: 0 }] }],
    ['tau < 0', arch, { x, y }, { ...ok, method: 'mc-dropout', models: [{ tau: -2 }] }],
    ['priorScale 0', arch, { x, y }, { ...ok, models: [{ priorScale: 0 }] }],
    ['lr 0', arch, { x, y }, { ...ok, lr: 0 }],
    ['lr NaN', arch, { x, y }, { ...ok, lr: NaN }],
    ['clipNorm 0', arch, { x, y }, { ...ok, clipNorm: 0 }],
    ['samplesPerStep 0', arch, { x, y }, { ...ok, method: 'vi', samplesPerStep: 0 }],
    ['lengthScale 0', arch, { x, y }, { ...ok, lengthScale: 0 }],
    ['negative seed', arch, { x, y }, { ...ok, seed: -1 }],
    ['unknown optimizer', arch, { x, y }, { ...ok, optimizer: 'rmsprop' as unknown as 'adam' }],
    ['unknown schedule', arch, { x, y }, { ...ok, schedule: 'linear' as unknown as 'cosine' }],
    ['unknown kernel strategy', arch, { x, y }, { ...ok, kernelStrategy: 'blocked' as unknown as 'tiled' }],
    ['model lr 0', arch, { x, y }, { ...ok, models: [{ lr: 0 }] }],
    ['model lr NaN', arch, { x, y }, { ...ok, models: [{ lr: NaN }] }],
    ['tile side 0', arch, { x, y }, { ...ok, tile: { rows: 0, units: 4, inputs: 4 } }],
    ['tile side 9', arch, { x, y }, { ...ok, tile: { rows: 4, units: 9, inputs: 4 } }],
    ['fractional tile side', arch, { x, y }, { ...ok, tile: { rows: 4, units: 4, inputs: 2.5 } }],
    ['adversarialEpsilon 0', arch, { x, y }, { ...ok, adversarialEpsilon: 0 }],
    ['adversarialEpsilon NaN', arch, { x, y }, { ...ok, adversarialEpsilon: NaN }],
    ['adversarialEpsilon Infinity', arch, { x, y }, { ...ok, method: 'ensemble', adversarialEpsilon: Infinity }],
    ['adversarial vi', arch, { x, y }, { ...ok, method: 'vi', adversarialEpsilon: 0.01 }],
    ['adversarial mc-dropout', arch, { x, y }, { ...ok, method: 'mc-dropout', adversarialEpsilon: 0.01 }],
  ];
  for (const [what, a, d, o] of cases) {
    it(what, () => {
      expect(() => oracleTrain(a, d, o)).toThrow(InvalidInputError);
    });
  }

  it('a step outside the run', () => {
    const state = oracleInit(arch, { x, y }, { ...ok, epochs: 2, batchSize: 2 });
    expect(() => oracleGradient(state, 0, 4)).toThrow(InvalidInputError);
    expect(() => oracleGradient(state, 0, -1)).toThrow(InvalidInputError);
    expect(() => oracleGradient(state, 1, 0)).toThrow(InvalidInputError);
  });
});
