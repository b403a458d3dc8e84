/**
 * The float64 training oracle with TrainOptions.heteroscedastic (src/objective/index.ts,
 * HETEROSCEDASTIC HEAD): the θ layout (two output units, no noise parameter), every method's and
 * estimator's gradient against finite differences for the Normal and the Student-t, the option's
 * checks, the trained models' specs, and learning noise that grows with |x|. Every seed is fixed.
 */
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../src/errors.js';
import { softplus } from '../../../src/math/activations.js';
import { validateModel } from '../../../src/model/validate-model.js';
import { ENSEMBLE_MIN_SCALE } from '../../../src/objective/constants.js';
import type { ArchitectureSpec, TrainData, TrainMethod, TrainOptions } from '../../../src/objective/types.js';
import { oraclePredict } from '../../../src/reference/index.js';
import { headRowNll } from '../../../src/reference/train/heteroscedastic-term.js';
import { oracleGradient, oracleInit, oracleTrain, type OracleState } from '../../../src/reference/train/index.js';
import { testRng } from '../../support/model-builders.js';
import { gaussian, growingNoise, uniformRows } from '../../support/train-data.js';

type Config = { method: TrainMethod; viEstimator?: 'reparameterization' | 'local' | 'flipout'; hierarchical?: boolean; adversarialEpsilon?: number };
const CONFIGS: readonly Config[] = [
  { method: 'vi', viEstimator: 'reparameterization' },
  { method: 'vi', viEstimator: 'local', hierarchical: true },
  { method: 'vi', viEstimator: 'flipout' },
  { method: 'mc-dropout' },
  { method: 'map' },
  { method: 'map', adversarialEpsilon: 0.05 },
];
const label = (c: Config) => `${c.method}${c.viEstimator ? ` ${c.viEstimator}` : ''}${c.hierarchical ? ' hierarchical' : ''}${c.adversarialEpsilon ? ' adversarial' : ''}`;

describe('layout and options', () => {
  const arch: ArchitectureSpec = { inputDim: 2, hidden: [3], activation: 'tanh' };
  const data: TrainData = { x: uniformRows(6, 2, -1, 1, 1), y: [0.1, -0.3, 0.5, 0.2, -0.1, 0.4] };
  it.each(['vi', 'mc-dropout', 'map'] as const)('%s: the last layer has 2 units and θ holds no noise parameter', (method) => {
    const plain = oracleInit(arch, data, { method, epochs: 1 }).setup.layout;
    const head = oracleInit(arch, data, { method, epochs: 1, heteroscedastic: true }).setup.layout;
    expect(plain.heteroscedastic).toBe(false);
    expect(head.heteroscedastic).toBe(true);
    expect(head.outputUnits).toBe(2);
    expect(head.noise).toBe(-1);
    // One more output unit: its 3 weights and 1 bias (doubled for 'vi''s loc and rho), less the noise parameters.
    const perUnit = method === 'vi' ? 8 : 4;
    const noise = method === 'vi' ? 2 : method === 'map' ? 1 : 0;
    expect(head.size).toBe(plain.size + perUnit - noise);
  });

  it("'ensemble' keeps its head with the option off or on", () => {
    for (const heteroscedastic of [false, true]) expect(oracleInit(arch, data, { method: 'ensemble', epochs: 1, heteroscedastic }).setup.layout.outputUnits).toBe(2);
  });

  it('a likelihood without a noise scale refuses the option with an InvalidInputError', () => {
    for (const likelihood of ['categorical', 'bernoulli'] as const) {
      expect(() => oracleInit(arch, { x: data.x, y: [0, 1, 1, 0, 1, 0] }, { method: 'map', likelihood, epochs: 1, heteroscedastic: true })).toThrow(InvalidInputError);
      expect(() => oracleInit(arch, { x: data.x, y: [0, 1, 1, 0, 1, 0] }, { method: 'map', likelihood, epochs: 1, heteroscedastic: true })).toThrow(
        /no(ne)? .*noise scale|has none/,
      );
    }
    // Off is accepted everywhere.
    expect(() => oracleInit(arch, { x: data.x, y: [0, 1, 1, 0, 1, 0] }, { method: 'map', likelihood: 'categorical', epochs: 1, heteroscedastic: false })).not.toThrow();
  });

  it('tau with a heteroscedastic head, and a non-boolean value, are InvalidInputErrors', () => {
    expect(() => oracleInit(arch, data, { method: 'mc-dropout', epochs: 1, heteroscedastic: true, models: [{ tau: 4 }] })).toThrow(/tau/);
    expect(() => oracleInit(arch, data, { method: 'map', epochs: 1, heteroscedastic: 'yes' as unknown as boolean })).toThrow(InvalidInputError);
  });
});

describe('gradients against finite differences', () => {
  const arch: ArchitectureSpec = { inputDim: 2, hidden: [3], activation: 'tanh', dropout: 0.3 };

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

  const cases = (['normal', 'student-t'] as const).flatMap((likelihood) => CONFIGS.map((config) => ({ likelihood, config, name: `${likelihood} / ${label(config)}` })));
  it.each(cases)('$name', ({ likelihood, config }) => {
    const rand = testRng(13);
    const data: TrainData = { x: uniformRows(7, 2, -2, 2, 11), y: Array.from({ length: 7 }, (_, i) => gaussian(rand) + (i === 3 ? 6 : 0)) };
    const state = oracleInit(arch, data, { ...config, likelihood, heteroscedastic: true, epochs: 2, batchSize: 5, samplesPerStep: 2, seed: 5, models: [{ priorScale: 0.7 }] });
    expect(state.setup.layout.noise).toBe(-1);
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
      // The raw-scale unit's bias must move the objective: the head is wired into the data term.
      const last = state.setup.layout.layers[state.setup.layout.layers.length - 1]!;
      expect(Math.abs(g.grad[last.bias + 1] ?? NaN)).toBeGreaterThan(0);
      for (let i = 0; i < g.grad.length; i++) {
        // Fourth-order central difference: error ~h^4 f''''' ~ 1e-16 relative here, far below the 1e-5 bound.
        const fd: number = (8 * (objective(i, h) - objective(i, -h)) - (objective(i, 2 * h) - objective(i, -2 * h))) / (12 * h);
        const exact: number = g.grad[i] ?? NaN;
        const rel = Math.abs(exact - fd) / Math.max(Math.abs(exact), Math.abs(fd), 1e-3 * scale);
        if (!(rel <= 1e-5)) expect.fail(`θ[${i}]: gradient ${exact}, finite difference ${fd} (relative ${rel})`);
      }
    }
  });
});

describe('trained models', () => {
  const arch: ArchitectureSpec = { inputDim: 1, hidden: [16], activation: 'tanh' };
  it.each(['vi', 'mc-dropout', 'map'] as const)('%s: the spec records a heteroscedastic noise model and validates', (method) => {
    const data = growingNoise(40, 3);
    const result = oracleTrain(arch, data, { method, epochs: 2, batchSize: 20, seed: 1, heteroscedastic: true });
    const model = result.models[0]!;
    validateModel(model);
    const lik = model.spec.likelihood;
    expect(lik.kind ?? 'normal').toBe('normal');
    expect('noise' in lik ? lik.noise : null).toEqual({ kind: 'heteroscedastic', minScale: ENSEMBLE_MIN_SCALE });
    expect(model.spec.layers[model.spec.layers.length - 1]?.units).toBe(2);
    expect(model.tensors.has('noise.loc')).toBe(false);
  });

  // y = x + (0.1 + 0.5|x|) ε: the true noise std is 0.1 at x = 0 and 1.0 at |x| = 1.8 (a factor 10).
  // Each method's predicted aleatoric std (oracle predict at the trained model) rises from the
  // centre to both edges by at least `factor`: 2 for 'vi' and 'map' (they reach 4-5 here);
  // 1.3 for 'mc-dropout', whose aleatoric std is sqrt(E_s σ_s²) over dropout masks that also
  // jitter the scale unit (dropout 0.05 on the single input among them), which lifts the centre's
  // (it reaches 1.5-1.7). The fixed-noise model of the same method predicts one aleatoric std everywhere.
  it.each([
    { method: 'vi' as const, factor: 2 },
    { method: 'mc-dropout' as const, factor: 1.3 },
    { method: 'map' as const, factor: 2 },
  ])('$method learns noise that grows with |x|; the fixed-noise model does not', ({ method, factor }) => {
    const data = growingNoise(300, 21);
    const options: TrainOptions = { method, epochs: 300, batchSize: 50, lr: 1e-2, seed: 2, models: [{ dropout: 0.05 }] };
    const probe = [[-1.8], [0], [1.8]];
    const std = (heteroscedastic: boolean) => {
      const result = oracleTrain(arch, data, { ...options, heteroscedastic });
      return Array.from(oraclePredict(result.models[0]!, probe, { samples: 50, seed: 3 }).aleatoricStd);
    };
    const [left, centre, right] = std(true) as [number, number, number];
    expect(left / centre).toBeGreaterThan(factor);
    expect(right / centre).toBeGreaterThan(factor);
    const fixed = std(false);
    const spread = Math.max(...fixed) / Math.min(...fixed);
    // A global σ ('vi''s drawn per sample and shared by every x, the same seeds) gives every x the same aleatoric std up to float rounding.
    expect(spread).toBeLessThan(1.05);
  });
});

// β-NLL (TrainOptions.betaNll, Seitzer et al. 2022): each head row's NLL weighted by σ^(2β), the
// weight held constant in the gradient. Exact identities: the row term is σ^(2β) times the plain
// one, value and gradients alike; at β = 1 the mean's gradient is the squared error's, −w r.
describe('β-NLL', () => {
  const cases = [
    { what: 'normal', df: NaN },
    { what: 'student-t', df: 3.5 },
  ];
  it.each(cases)("$what: the row term and its gradients are σ^(2β) times the plain NLL's", ({ df }) => {
    const out = Float64Array.from([0.3, -0.7, -1.2, 1.9, 2.5, -3]);
    const y = Float64Array.from([1.1, -2.4, 0.2]);
    for (const beta of [0.25, 0.5, 1]) {
      for (let b = 0; b < 3; b++) {
        const plain = new Float64Array(6);
        const weighted = new Float64Array(6);
        const t0 = headRowNll(out, y, b, plain, 0.4, df);
        const t1 = headRowNll(out, y, b, weighted, 0.4, df, beta);
        const sigma = softplus(out[2 * b + 1]!) + ENSEMBLE_MIN_SCALE;
        const weight = sigma ** (2 * beta);
        // Float64 rounding of a few operations: 1e-14 relative.
        const close = (got: number, want: number) => expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(want)));
        close(t1.nll, weight * t0.nll);
        close(t1.logDf, weight * t0.logDf);
        for (const i of [2 * b, 2 * b + 1]) close(weighted[i]!, weight * plain[i]!);
        if (beta === 1 && Number.isNaN(df)) close(weighted[2 * b]!, -0.4 * (y[b]! - out[2 * b]!));
      }
    }
    // β = 0 is the plain NLL, bit for bit.
    const a = new Float64Array(6);
    const c = new Float64Array(6);
    expect(headRowNll(out, y, 1, a, 0.4, df, 0)).toEqual(headRowNll(out, y, 1, c, 0.4, df));
    expect(a).toEqual(c);
  });

  // The mean unit's bias does not move σ, so the weighted objective's finite difference there is its
  // gradient; the scale unit's bias moves σ, whose weight the gradient holds constant, so there the
  // two differ (the stop-gradient is real).
  it.each(['map', 'mc-dropout', 'ensemble', 'concrete-dropout'] as const)("%s: the mean bias gradient is the objective's; the scale bias's holds σ^(2β) constant", (method) => {
    const arch: ArchitectureSpec = { inputDim: 2, hidden: [4], activation: 'tanh', dropout: 0.2 };
    const rand = testRng(3);
    const data: TrainData = { x: uniformRows(9, 2, -2, 2, 4), y: Array.from({ length: 9 }, () => 2 * gaussian(rand)) };
    const state = oracleInit(arch, data, { method, heteroscedastic: true, betaNll: 0.5, epochs: 1, batchSize: 9, seed: 7 });
    const plainState = oracleInit(arch, data, { method, heteroscedastic: true, epochs: 1, batchSize: 9, seed: 7 });
    const theta = state.models[0]!.theta;
    for (let i = 0; i < theta.length; i++) theta[i] = 1.5 * (2 * rand() - 1);
    plainState.models[0]!.theta.set(theta);
    const g = oracleGradient(state, 0, 0)!;
    const g0 = oracleGradient(plainState, 0, 0)!;
    const last = state.setup.layout.layers[state.setup.layout.layers.length - 1]!;
    const fd = (i: number) => {
      const h = 1e-5;
      const saved = theta[i]!;
      theta[i] = saved + h;
      const up = oracleGradient(state, 0, 0)!.objective;
      theta[i] = saved - h;
      const down = oracleGradient(state, 0, 0)!.objective;
      theta[i] = saved;
      return (up - down) / (2 * h);
    };
    const mean = last.bias;
    const scale = last.bias + 1;
    expect(Number.isFinite(g.grad[mean]!)).toBe(true);
    // Central difference error ~h² f''' ~ 1e-10 here.
    expect(Math.abs(g.grad[mean]! - fd(mean))).toBeLessThan(1e-7 * Math.max(1, Math.abs(fd(mean))));
    expect(Math.abs(g.grad[scale]! - fd(scale))).toBeGreaterThan(1e-3 * Math.abs(fd(scale)));
    // And the option changes the step: the mean bias's gradient differs from the plain NLL's.
    expect(Math.abs(g.grad[mean]! - g0.grad[mean]!)).toBeGreaterThan(1e-3 * Math.abs(g0.grad[mean]!));
  });

  it('is refused with an InvalidInputError where it has no meaning', () => {
    const arch: ArchitectureSpec = { inputDim: 2, hidden: [3], activation: 'tanh' };
    const data: TrainData = { x: uniformRows(6, 2, -1, 1, 1), y: [0.1, -0.3, 0.5, 0.2, -0.1, 0.4] };
    const init = (options: Omit<TrainOptions, 'epochs'>) => () => oracleInit(arch, data, { ...options, epochs: 1 });
    for (const method of ['vi', 'hmc', 'sgmcmc'] as const) expect(init({ method, heteroscedastic: true, betaNll: 0.5 })).toThrow(new RegExp(`not a '${method}' option`));
    expect(init({ method: 'map', betaNll: 0.5 })).toThrow(/set heteroscedastic: true/);
    for (const betaNll of [-0.1, 1.5, NaN, '0.5' as unknown as number]) expect(init({ method: 'ensemble', betaNll })).toThrow(/betaNll must be a number in \[0, 1\]/);
    expect(() => oracleInit(arch, { x: data.x, y: [0, 1, 1, 0, 1, 0] }, { method: 'ensemble', likelihood: 'bernoulli', epochs: 1, betaNll: 0.5 })).toThrow(/noise scale/);
    expect(init({ method: 'ensemble', betaNll: 0.5 })).not.toThrow();
  });
});
