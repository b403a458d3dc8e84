/**
 * The float64 training oracle with the likelihoods without a noise scale (categorical, bernoulli,
 * beta, dirichlet; src/objective/index.ts, LIKELIHOODS): each row's NLL against
 * torch.distributions, every method's gradient against finite differences, learning a separable
 * problem, the trained models' specs, and the targets' checks. Every seed is fixed.
 */
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../src/errors.js';
import type { Model } from '../../../src/model/spec.js';
import { validateModel } from '../../../src/model/validate-model.js';
import { NORMAL_TRAINING, type TrainLikelihoodInfo } from '../../../src/objective/likelihood.js';
import type { ArchitectureSpec, TrainData, TrainMethod, TrainOptions } from '../../../src/objective/types.js';
import { forward, locParams, oracleGradient, oracleInit, oracleTrain, type OracleState } from '../../../src/reference/train/index.js';
import { rowNll } from '../../../src/reference/train/likelihood-term.js';
import { testRng } from '../../support/model-builders.js';
import { gaussian, uniformRows } from '../../support/train-data.js';

type Kind = 'categorical' | 'bernoulli' | 'beta' | 'dirichlet';
const KINDS: readonly Kind[] = ['categorical', 'bernoulli', 'beta', 'dirichlet'];

/** Targets of each kind for `n` rows (3 classes / components where there are several). */
function targets(kind: Kind, n: number, seed: number): TrainData['y'] {
  const rand = testRng(seed);
  switch (kind) {
    case 'categorical':
      return Array.from({ length: n }, (_, i) => i % 3);
    case 'bernoulli':
      return Array.from({ length: n }, (_, i) => (i * 7) % 2);
    case 'beta':
      return Array.from({ length: n }, () => 0.05 + 0.9 * rand());
    case 'dirichlet':
      return Array.from({ length: n }, () => {
        const g = [0, 0, 0].map(() => 0.1 + rand());
        const s = g.reduce((a, b) => a + b, 0);
        return g.map((v) => v / s);
      });
  }
}

describe('row NLL against torch.distributions (float64, torch 1.13)', () => {
  const info = (kind: Kind, classes = 0): TrainLikelihoodInfo => ({
    kind,
    classes,
    targetWidth: kind === 'dirichlet' ? classes : 1,
    scale: false,
    degreesOfFreedom: null,
    heteroscedastic: false,
    betaNll: 0,
  });
  // -Dist.log_prob(y) with the links of spec.ts (softplus + 1e-3 for the concentrations), computed by torch.distributions.
  const cases: { kind: Kind; classes?: number; f: number[]; y: number[]; nll: number }[] = [
    { kind: 'beta', f: [0.3, -1.2], y: [0.25], nll: 0.9771297505170284 },
    { kind: 'beta', f: [-4.0, 2.5], y: [0.9], nll: 7.464901376047358 },
    { kind: 'beta', f: [6.0, 5.0], y: [0.999], nll: 20.541689163924747 },
    { kind: 'dirichlet', classes: 3, f: [0.5, -1.0, 2.0], y: [0.2, 0.3, 0.5], nll: -0.07356198372138434 },
    { kind: 'dirichlet', classes: 3, f: [-3.0, 0.1, 4.0], y: [0.01, 0.04, 0.95], nll: -2.9419357767129295 },
    { kind: 'categorical', classes: 3, f: [0.5, -1.0, 2.0], y: [2], nll: 0.24131129665715711 },
    { kind: 'categorical', classes: 3, f: [30.0, -20.0, 0.0], y: [1], nll: 50.00000000000009 },
    { kind: 'bernoulli', f: [0.7], y: [1], nll: 0.40318604888545784 },
    { kind: 'bernoulli', f: [-25.0], y: [1], nll: 25.000000000013888 },
    { kind: 'bernoulli', f: [3.0], y: [0], nll: 3.048587351573742 },
  ];
  it.each(cases)('$kind at f = $f, y = $y', ({ kind, classes, f, y, nll }) => {
    const lik = info(kind, classes ?? 0);
    const out = Float64Array.from(f);
    const dOut = new Float64Array(f.length);
    const value = rowNll(lik, f.length, out, Float64Array.from(y), 0, dOut, 1);
    // Both sides are float64 with lgamma and log-sum-exp good to ~1e-15 relative of the terms (magnitudes <= 50).
    expect(Math.abs(value - nll)).toBeLessThan(1e-12 * Math.max(1, Math.abs(nll)) * 50);
    // The gradient over f against a central difference (h = 1e-5: error ~1e-10 on these O(1) curvatures).
    f.forEach((_, j) => {
      const at = (d: number) => {
        const o = Float64Array.from(f);
        o[j] = (o[j] ?? 0) + d;
        return rowNll(lik, f.length, o, Float64Array.from(y), 0, new Float64Array(f.length), 1);
      };
      expect(Math.abs((at(1e-5) - at(-1e-5)) / 2e-5 - (dOut[j] ?? NaN))).toBeLessThan(1e-6);
    });
  });
});

describe('gradients against finite differences', () => {
  const arch: ArchitectureSpec = { inputDim: 2, hidden: [3], activation: 'tanh', dropout: 0.3 };
  const configs: { method: TrainMethod; viEstimator?: 'reparameterization' | 'local' | 'flipout'; adversarialEpsilon?: number; hierarchical?: boolean }[] = [
    { method: 'vi', viEstimator: 'reparameterization' },
    { method: 'vi', viEstimator: 'local', hierarchical: true },
    { method: 'vi', viEstimator: 'flipout' },
    { method: 'mc-dropout' },
    { method: 'map' },
    { method: 'ensemble' },
    { method: 'map', adversarialEpsilon: 0.05 },
    { method: 'ensemble', adversarialEpsilon: 0.05 },
  ];

  /** θ of moderate size: locs in (-1, 1), scales softplus(rho) in (0.05, 0.5). */
  function randomizeTheta(state: OracleState, seed: number): void {
    const rand = testRng(seed);
    const theta = state.models[0]?.theta ?? new Float64Array(0);
    for (let i = 0; i < theta.length; i++) theta[i] = 2 * rand() - 1;
    for (const layer of state.setup.layout.layers) {
      if (layer.weightRho >= 0) for (let i = 0; i < layer.units * layer.inputs; i++) theta[layer.weightRho + i] = -3 + 2.3 * rand();
      if (layer.biasRho >= 0) for (let i = 0; i < layer.units; i++) theta[layer.biasRho + i] = -3 + 2.3 * rand();
    }
  }

  const studentData = (): TrainData['y'] => {
    const rand = testRng(13);
    return Array.from({ length: 7 }, (_, i) => gaussian(rand) + (i === 3 ? 6 : 0));
  };
  const variants: { kind: Kind | 'student-t'; df?: number | 'learn' }[] = [...KINDS.map((kind) => ({ kind })), { kind: 'student-t', df: 'learn' }, { kind: 'student-t', df: 3.5 }];
  for (const { kind, df } of variants) {
    for (const config of configs) {
      const name = `${kind}${df === undefined ? '' : ` (df ${df})`} / ${config.method}${config.viEstimator ? ` ${config.viEstimator}` : ''}${config.adversarialEpsilon ? ' adversarial' : ''}`;
      it(name, () => {
        const data: TrainData = { x: uniformRows(7, 2, -2, 2, 11), y: kind === 'student-t' ? studentData() : targets(kind, 7, 12) };
        const student = kind === 'student-t' ? { degreesOfFreedom: df ?? 'learn', models: [{ priorScale: 0.7, tau: 3 }] } : { models: [{ priorScale: 0.7 }] };
        const state = oracleInit(arch, data, { ...config, likelihood: kind, epochs: 2, batchSize: 5, samplesPerStep: 2, seed: 5, ...student });
        if (kind !== 'student-t') expect(state.setup.layout.noise).toBe(-1);
        else expect(state.setup.layout.degreesOfFreedom >= 0).toBe(df === 'learn');
        // Step 1 is the short last batch of epoch 0 (2 rows); step 2 a full one of epoch 1.
        for (const t of [1, 2]) {
          randomizeTheta(state, 100 + t);
          const g = oracleGradient(state, 0, t);
          if (!g) throw new Error('model 0 runs every step');
          const theta = state.models[0]!.theta;
          const objective = (i: number, d: number) => {
            const saved = theta[i] ?? NaN;
            theta[i] = saved + d;
            const v = oracleGradient(state, 0, t)?.objective ?? NaN;
            theta[i] = saved;
            return v;
          };
          const h = 1e-4;
          const scale = Math.max(...g.grad.map(Math.abs));
          expect(scale).toBeGreaterThan(0);
          for (let i = 0; i < g.grad.length; i++) {
            // Fourth-order central difference: error ~h^4 f''''' ~ 1e-16 relative here, far below the 1e-5 bound.
            const fd: number = (8 * (objective(i, h) - objective(i, -h)) - (objective(i, 2 * h) - objective(i, -2 * h))) / (12 * h);
            const exact: number = g.grad[i] ?? NaN;
            const rel = Math.abs(exact - fd) / Math.max(Math.abs(exact), Math.abs(fd), 1e-3 * scale);
            if (!(rel <= 1e-5)) expect.fail(`θ[${i}]: gradient ${exact}, finite difference ${fd} (relative ${rel})`);
          }
        }
      });
    }
  }
});

/** Three separable Gaussian blobs in 2-D (centres 4 apart, std 0.5), labels 0, 1, 2. */
function blobs(n: number, seed: number): { x: number[][]; y: number[] } {
  const rand = testRng(seed);
  const centres = [
    [0, 4],
    [-3.5, -2],
    [3.5, -2],
  ];
  const y = Array.from({ length: n }, (_, i) => i % 3);
  const x = y.map((c) => (centres[c] ?? [0, 0]).map((v) => v + 0.5 * gaussian(rand)));
  return { x, y };
}

/** The network's raw outputs at the posterior mean (locs) for the given rows, in the model's standardisation. */
function outputs(state: OracleState, x: readonly number[][]): Float64Array {
  const model = state.setup.models[0]!;
  const { xMean, xStd } = model.prepared;
  const d = state.setup.run.inputDim;
  const xs = Float64Array.from(x.flatMap((r) => r.map((v, c) => (v - (xMean[c] ?? 0)) / (xStd[c] ?? 1))));
  const { params, slopes } = locParams(state.setup.layout, state.models[0]!.theta);
  const traces = forward(
    state.setup.layout,
    params,
    slopes,
    xs,
    x.length,
    state.setup.layout.layers.map(() => null),
  );
  expect(d).toBe(x[0]?.length);
  return traces[traces.length - 1]?.out ?? new Float64Array(0);
}

describe('learning a separable problem', () => {
  const methods: TrainMethod[] = ['vi', 'mc-dropout', 'map', 'ensemble'];
  it.each(methods)('categorical / %s: three blobs reach a training accuracy of at least 0.95 (argmax of the logits at the posterior mean)', (method) => {
    const data = blobs(90, 7);
    const options: TrainOptions = { method, likelihood: 'categorical', epochs: 60, lr: 2e-2, batchSize: 30, seed: 3, models: [{ dropout: 0.05 }] };
    const arch: ArchitectureSpec = { inputDim: 2, hidden: [8], activation: 'tanh' };
    const result = oracleTrain(arch, data, options);
    const state = oracleInit(arch, data, options);
    state.models[0]!.theta.set(result.theta[0]!);
    const logits = outputs(state, data.x);
    const correct = data.y.filter((label, r) => {
      const row = [0, 1, 2].map((k) => logits[3 * r + k] ?? NaN);
      return row.indexOf(Math.max(...row)) === label;
    }).length;
    expect(correct / data.y.length).toBeGreaterThanOrEqual(0.95);
    const first = result.history[0]?.[0] ?? NaN;
    const last = result.history[result.history.length - 1]?.[0] ?? NaN;
    expect(last).toBeLessThan(first);
  });

  it('bernoulli / map: two blobs reach >= 95% training accuracy (sign of the logit)', () => {
    const { x, y } = blobs(60, 9);
    const labels = y.map((c) => (c === 0 ? 1 : 0));
    const arch: ArchitectureSpec = { inputDim: 2, hidden: [6], activation: 'tanh' };
    const options: TrainOptions = { method: 'map', likelihood: 'bernoulli', epochs: 60, lr: 2e-2, batchSize: 20, seed: 4 };
    const result = oracleTrain(arch, { x, y: labels }, options);
    const state = oracleInit(arch, { x, y: labels }, options);
    state.models[0]!.theta.set(result.theta[0]!);
    const logits = outputs(state, x);
    const correct = labels.filter((l, r) => ((logits[r] ?? NaN) > 0 ? 1 : 0) === l).length;
    expect(correct / labels.length).toBeGreaterThanOrEqual(0.95);
  });

  it('beta / ensemble: the predicted mean α / (α + β) tracks a proportion that depends on x', () => {
    const x = uniformRows(120, 1, -2, 2, 21);
    const rand = testRng(22);
    const truth = (v: number) => 1 / (1 + Math.exp(-1.5 * v));
    // Beta(30 m, 30 (1 - m)) draws through two gammas would need a sampler; a narrow jitter around m keeps y in (0, 1).
    const y = x.map((r) => Math.min(0.99, Math.max(0.01, truth(r[0] ?? 0) + 0.03 * gaussian(rand))));
    const arch: ArchitectureSpec = { inputDim: 1, hidden: [8], activation: 'tanh' };
    const options: TrainOptions = { method: 'ensemble', likelihood: 'beta', epochs: 150, lr: 2e-2, batchSize: 40, seed: 5 };
    const result = oracleTrain(arch, { x, y }, options);
    const state = oracleInit(arch, { x, y }, options);
    state.models[0]!.theta.set(result.theta[0]!);
    const grid = Array.from({ length: 21 }, (_, i) => [-1.8 + (3.6 * i) / 20]);
    const out = outputs(state, grid);
    const sp = (v: number) => Math.log1p(Math.exp(v)) + 1e-3;
    const worst = Math.max(...grid.map((g, i) => Math.abs(sp(out[2 * i] ?? NaN) / (sp(out[2 * i] ?? NaN) + sp(out[2 * i + 1] ?? NaN)) - truth(g[0] ?? 0))));
    expect(worst).toBeLessThan(0.05);
  });

  it('dirichlet / mc-dropout: the predicted mean α / Σ α tracks compositions that depend on x', () => {
    const x = uniformRows(120, 1, -2, 2, 31);
    const rand = testRng(32);
    const truth = (v: number) => {
      const e = [Math.exp(v), 1, Math.exp(-v)];
      const s = e.reduce((a, b) => a + b, 0);
      return e.map((u) => u / s);
    };
    const y = x.map((r) => {
      const p = truth(r[0] ?? 0).map((u) => Math.max(0.01, u * (1 + 0.05 * gaussian(rand))));
      const s = p.reduce((a, b) => a + b, 0);
      return p.map((u) => u / s);
    });
    const arch: ArchitectureSpec = { inputDim: 1, hidden: [8], activation: 'tanh' };
    const options: TrainOptions = { method: 'mc-dropout', likelihood: 'dirichlet', epochs: 150, lr: 2e-2, batchSize: 40, seed: 6, models: [{ dropout: 0.01 }] };
    const result = oracleTrain(arch, { x, y }, options);
    const state = oracleInit(arch, { x, y }, options);
    state.models[0]!.theta.set(result.theta[0]!);
    const grid = Array.from({ length: 21 }, (_, i) => [-1.8 + (3.6 * i) / 20]);
    const out = outputs(state, grid);
    const sp = (v: number) => Math.log1p(Math.exp(v)) + 1e-3;
    let worst = 0;
    grid.forEach((g, i) => {
      const a = [0, 1, 2].map((k) => sp(out[3 * i + k] ?? NaN));
      const s = a.reduce((p, q) => p + q, 0);
      truth(g[0] ?? 0).forEach((t, k) => (worst = Math.max(worst, Math.abs((a[k] ?? NaN) / s - t))));
    });
    expect(worst).toBeLessThan(0.05);
  });
});

describe('trained models', () => {
  const x = uniformRows(12, 2, 0, 10, 41);
  const arch: ArchitectureSpec = { inputDim: 2, hidden: [4], activation: 'relu' };
  const expected: Record<Kind, (m: Model) => void> = {
    categorical: (m) => expect(m.spec.likelihood).toEqual({ kind: 'categorical', classes: 3 }),
    bernoulli: (m) => expect(m.spec.likelihood).toEqual({ kind: 'bernoulli' }),
    beta: (m) => expect(m.spec.likelihood).toEqual({ kind: 'beta', minConcentration: 1e-3 }),
    dirichlet: (m) => expect(m.spec.likelihood).toEqual({ kind: 'dirichlet', classes: 3, minConcentration: 1e-3 }),
  };
  const units: Record<Kind, number> = { categorical: 3, bernoulli: 1, beta: 2, dirichlet: 3 };
  for (const kind of KINDS) {
    for (const method of ['vi', 'mc-dropout', 'map', 'ensemble'] as const) {
      it(`${kind} / ${method}: the model validates, has the likelihood's spec and output width, y unstandardised, no noise site`, () => {
        const result = oracleTrain(
          arch,
          { x, y: targets(kind, 12, 42) },
          { method, likelihood: kind, epochs: 2, batchSize: 6, lr: 1e-2, seed: 1, models: [{}, { rows: [0, 1, 2, 3, 4] }] },
        );
        expect(result.models).toHaveLength(2);
        for (const model of result.models) {
          validateModel(model);
          expected[kind](model);
          expect(model.spec.layers[model.spec.layers.length - 1]?.units).toBe(units[kind]);
          const D = kind === 'categorical' || kind === 'dirichlet' ? 3 : 1;
          expect(model.spec.standardization?.yMean).toEqual(new Array(D).fill(0));
          expect(model.spec.standardization?.yStd).toEqual(new Array(D).fill(1));
          // x is standardised as for normal (its mean, in [0, 10), is recorded).
          expect(model.spec.standardization?.xMean.every((v) => v > 1)).toBe(true);
          expect([...model.tensors.keys()].some((k) => k.startsWith('noise'))).toBe(false);
          expect(model.spec.layers[0]?.dropout).toBe(method === 'mc-dropout' ? 0.05 : 0);
        }
        expect(result.history.flatMap((h) => [...h]).every(Number.isFinite)).toBe(true);
      });
    }
  }

  it('categorical: K comes from classes, or from the largest label + 1', () => {
    const y = [0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1];
    expect(oracleInit(arch, { x, y }, { method: 'map', likelihood: 'categorical', epochs: 1 }).setup.layout.outputUnits).toBe(2);
    expect(oracleInit(arch, { x, y }, { method: 'map', likelihood: 'categorical', classes: 5, epochs: 1 }).setup.layout.outputUnits).toBe(5);
    expect(oracleInit(arch, { x, y }, { method: 'map', epochs: 1 }).setup.layout.likelihood).toEqual(NORMAL_TRAINING);
  });
});

describe('bad targets are InvalidInputErrors naming the row', () => {
  const x = uniformRows(4, 1, 0, 1, 51);
  const arch: ArchitectureSpec = { inputDim: 1, hidden: [2], activation: 'tanh' };
  const cases: { what: string; likelihood: NonNullable<TrainOptions['likelihood']>; y: TrainData['y']; extra?: Partial<TrainOptions>; message: RegExp }[] = [
    { what: 'a label that is not an integer', likelihood: 'categorical', y: [0, 1, 1.5, 0], message: /y row 2 is 1\.5.*integers/ },
    { what: 'a negative label', likelihood: 'categorical', y: [0, -1, 1, 0], message: /y row 1 is -1/ },
    { what: 'a label beyond classes', likelihood: 'categorical', y: [0, 1, 3, 0], extra: { classes: 3 }, message: /y row 2 is 3.*0\.\.2/ },
    { what: 'K = 1', likelihood: 'categorical', y: [0, 0, 0, 0], extra: { classes: 1 }, message: /classes/ },
    { what: 'a bernoulli label 2', likelihood: 'bernoulli', y: [0, 1, 2, 0], message: /y row 2 is 2.*0 or 1/ },
    { what: 'a beta target of 1', likelihood: 'beta', y: [0.5, 1, 0.2, 0.3], message: /y row 1 is 1.*between 0 and 1/ },
    { what: 'a beta target of 0', likelihood: 'beta', y: [0.5, 0.1, 0, 0.3], message: /y row 2 is 0/ },
    { what: 'a beta target that rounds to 1 in float32', likelihood: 'beta', y: [0.5, 0.1, 1 - 1e-9, 0.3], message: /y row 2/ },
    {
      what: 'a dirichlet row that does not sum to 1',
      likelihood: 'dirichlet',
      y: [
        [0.5, 0.5],
        [0.2, 0.7],
        [0.5, 0.5],
        [0.5, 0.5],
      ],
      message: /y row 1 sums to 0\.9:/,
    },
    {
      what: 'a dirichlet component of 1 (and 0)',
      likelihood: 'dirichlet',
      y: [
        [0.5, 0.5],
        [0.5, 0.5],
        [1, 0],
        [0.5, 0.5],
      ],
      message: /y row 2 column 0 is 1/,
    },
    { what: 'dirichlet targets as one column', likelihood: 'dirichlet', y: [0.5, 0.5, 0.5, 0.5], message: /rows of K proportions/ },
    { what: 'tau with a classifier', likelihood: 'categorical', y: [0, 1, 1, 0], extra: { models: [{ tau: 2 }] }, message: /tau/ },
    { what: 'classes with bernoulli', likelihood: 'bernoulli', y: [0, 1, 1, 0], extra: { classes: 2 }, message: /classes is a/ },
    { what: 'an unknown likelihood', likelihood: 'poisson' as NonNullable<TrainOptions['likelihood']>, y: [0, 1, 1, 0], message: /unknown likelihood/ },
    { what: 'student-t with df 0', likelihood: 'student-t', y: [0, 1, 1, 0], extra: { degreesOfFreedom: 0 }, message: /degreesOfFreedom/ },
    { what: 'degreesOfFreedom for a normal', likelihood: 'normal', y: [0, 1, 1, 0], extra: { degreesOfFreedom: 4 }, message: /degreesOfFreedom is a 'student-t' option/ },
  ];
  it.each(cases)('$what', ({ likelihood, y, extra, message }) => {
    const call = () => oracleInit(arch, { x, y }, { method: 'map', epochs: 1, likelihood, ...extra });
    expect(call).toThrow(InvalidInputError);
    expect(call).toThrow(message);
  });
});

describe('student-t', () => {
  /** y = 2x + small noise with every tenth row an outlier at +30. */
  function outliers(seed: number): { x: number[][]; y: number[] } {
    const x = uniformRows(150, 1, -1, 1, seed);
    const rand = testRng(seed + 1);
    return { x, y: x.map((r, i) => 2 * (r[0] ?? 0) + 0.1 * gaussian(rand) + (i % 10 === 0 ? 30 : 0)) };
  }

  it.each(['map', 'ensemble', 'vi', 'mc-dropout'] as const)('%s: learnt df falls below its start of 10 on data with outliers, and the model records it', (method) => {
    const arch: ArchitectureSpec = { inputDim: 1, hidden: [8], activation: 'tanh' };
    const result = oracleTrain(arch, outliers(71), {
      method,
      likelihood: 'student-t',
      epochs: 40,
      lr: 2e-2,
      batchSize: 50,
      seed: 7,
      models: [method === 'mc-dropout' ? { tau: 100 } : {}],
    });
    const model = result.models[0]!;
    validateModel(model);
    const lik = model.spec.likelihood;
    if (lik.kind !== 'student-t') throw new Error(`a ${String(lik.kind)} model`);
    expect(lik.df).toBeCloseTo(Math.exp(result.theta[0]![result.theta[0]!.length - 1] ?? NaN), 12);
    expect(lik.df).toBeLessThan(5);
    expect(result.history.flatMap((h) => [...h]).every(Number.isFinite)).toBe(true);
  });

  it('a fixed df is recorded as given and has no θ entry; the noise model is the Normal one of the method', () => {
    const arch: ArchitectureSpec = { inputDim: 1, hidden: [4], activation: 'tanh' };
    const data = outliers(81);
    const fixed = oracleTrain(arch, data, { method: 'map', likelihood: 'student-t', degreesOfFreedom: 2.5, epochs: 2, seed: 1 });
    const normal = oracleTrain(arch, data, { method: 'map', epochs: 2, seed: 1 });
    expect(fixed.theta[0]!.length).toBe(normal.theta[0]!.length);
    expect(fixed.models[0]!.spec.likelihood).toMatchObject({ kind: 'student-t', df: 2.5, link: 'sigma', noise: { kind: 'fixed' } });
    expect(fixed.models[0]!.spec.standardization?.yStd[0]).toBe(normal.models[0]!.spec.standardization?.yStd[0]);
    validateModel(fixed.models[0]!);
  });

  it('map with an outlier-heavy sample: the Student-t fit stays near y = 2x where the Normal is pulled up', () => {
    const arch: ArchitectureSpec = { inputDim: 1, hidden: [8], activation: 'tanh' };
    const data = outliers(91);
    const options: TrainOptions = { method: 'map', epochs: 150, lr: 2e-2, batchSize: 50, seed: 2 };
    const errorAt0 = (likelihood: 'student-t' | 'normal') => {
      const result = oracleTrain(arch, data, { ...options, likelihood });
      const state = oracleInit(arch, data, { ...options, likelihood });
      state.models[0]!.theta.set(result.theta[0]!);
      const s = result.models[0]!.spec.standardization!;
      const f = outputs(state, [[0]])[0] ?? NaN;
      return Math.abs((s.yMean[0] ?? 0) + (s.yStd[0] ?? 1) * f);
    };
    // The outliers (10% at +30) shift a Normal's mean by ~3; a Student-t's location barely moves.
    expect(errorAt0('student-t')).toBeLessThan(0.5);
    expect(errorAt0('normal')).toBeGreaterThan(1.5);
  });
});

describe('NaN checks', () => {
  it('no objective or gradient of a fresh model is NaN for any likelihood and method', () => {
    for (const kind of KINDS) {
      for (const method of ['vi', 'mc-dropout', 'map', 'ensemble'] as const) {
        const state = oracleInit(
          { inputDim: 2, hidden: [3], activation: 'relu' },
          { x: uniformRows(6, 2, -1, 1, 61), y: targets(kind, 6, 62) },
          { method, likelihood: kind, epochs: 1 },
        );
        const g = oracleGradient(state, 0, 0);
        expect(Number.isFinite(g?.objective)).toBe(true);
        expect(g?.grad.every(Number.isFinite)).toBe(true);
      }
    }
  });
});
