/**
 * GPU training of the likelihoods other than the Normal (categorical, bernoulli, beta, dirichlet,
 * student-t) against the float64 training oracle, as train.gpu.test.ts does for the Normal: a first SGD step
 * with lr = 1 moves θ by exactly −gradient, for every likelihood × method (each 'vi' estimator,
 * adversarial training), three models per dispatch with different rows (so invalid slots are
 * present); a few Adam epochs track the oracle's θ and loss history; the models returned validate
 * and carry the likelihood. Tolerance: |gpu − oracle| <= 2e-3 (1 + |oracle|), the Normal's bound
 * (float32 forward and backward over O(1) values); the Beta's and Dirichlet's lgamma and digamma in
 * f32 add ~1e-6 relative of terms of O(10) at most here. NaN or infinity fails the comparison.
 */
import { expect, it } from 'vitest';
import { Engine } from '../../src/infer/engine.js';
import { validateModel } from '../../src/model/validate-model.js';
import type { TrainData, TrainMethod, TrainOptions } from '../../src/objective/types.js';
import { oracleEnsemblePredict } from '../../src/reference/index.js';
import { oracleGradient, oracleInit, oracleTrain } from '../../src/reference/train/index.js';
import { train } from '../../src/train/trainer.js';
import { expectAllClose, relativeBound } from '../support/all-close.js';
import { describeGpu, gpu } from '../support/gpu.js';
import { testRng } from '../support/model-builders.js';

type Kind = 'categorical' | 'bernoulli' | 'beta' | 'dirichlet';
const KINDS: readonly Kind[] = ['categorical', 'bernoulli', 'beta', 'dirichlet'];

function dataset(kind: Kind, rows: number, seed: number): TrainData {
  const rand = testRng(seed);
  const x = Array.from({ length: rows }, () => Array.from({ length: 3 }, () => 4 * rand() - 2));
  const y: TrainData['y'] =
    kind === 'categorical'
      ? x.map((r) => ((r[0] ?? 0) > 0.5 ? 2 : (r[1] ?? 0) > 0 ? 1 : 0))
      : kind === 'bernoulli'
        ? x.map((r) => ((r[0] ?? 0) + (r[2] ?? 0) > 0 ? 1 : 0))
        : kind === 'beta'
          ? x.map(() => 0.05 + 0.9 * rand())
          : x.map(() => {
              const g = [0, 0, 0, 0].map(() => 0.1 + rand());
              const s = g.reduce((a, b) => a + b, 0);
              return g.map((v) => v / s);
            });
  return { x, y };
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, what: string, tol = 2e-3): void {
  expectAllClose(got, want, relativeBound(want, tol), what);
}

const CONFIGS: readonly { method: TrainMethod; viEstimator?: 'reparameterization' | 'local' | 'flipout'; adversarialEpsilon?: number; kernelStrategy: 'tiled' | 'simple' }[] = [
  { method: 'vi', viEstimator: 'reparameterization', kernelStrategy: 'tiled' },
  { method: 'vi', viEstimator: 'local', kernelStrategy: 'simple' },
  { method: 'vi', viEstimator: 'flipout', kernelStrategy: 'simple' },
  { method: 'mc-dropout', kernelStrategy: 'tiled' },
  { method: 'map', kernelStrategy: 'simple' },
  { method: 'ensemble', kernelStrategy: 'tiled' },
  { method: 'map', adversarialEpsilon: 0.05, kernelStrategy: 'tiled' },
  { method: 'ensemble', adversarialEpsilon: 0.05, kernelStrategy: 'simple' },
];

describeGpu('GPU training of categorical, bernoulli, beta and dirichlet vs float64 oracle', () => {
  const ctx = gpu!;
  const cases = KINDS.flatMap((kind) => CONFIGS.map((config) => ({ kind, ...config, label: `${config.viEstimator ?? ''}${config.adversarialEpsilon ? 'adversarial' : ''}` })));

  it.each(cases)('$kind / $method $label ($kernelStrategy): the first step moves θ by the oracle gradient (3 models)', async ({ kind, label: _label, ...config }) => {
    const arch = { inputDim: 3, hidden: [5], activation: 'tanh' as const };
    const data = dataset(kind, 14, 3);
    const options: TrainOptions = {
      ...config,
      likelihood: kind,
      epochs: 1,
      batchSize: 16,
      optimizer: 'sgd',
      lr: 1,
      seed: 17,
      samplesPerStep: config.method === 'vi' ? 2 : 1,
      models: [
        { dropout: 0.2, priorScale: 0.7 },
        { rows: [0, 2, 3, 5, 7, 8, 11], dropout: 0.1 },
        { rows: [1, 4, 6, 9, 10, 12, 13, 0, 2], dropout: 0.3, priorScale: 2 },
      ],
    };
    const result = await train(ctx, arch, data, options);
    const state = oracleInit(arch, data, options);
    state.models.forEach((ms, m) => {
      const g = oracleGradient(state, m, 0);
      expect(g).not.toBeNull();
      const step = Float64Array.from(ms.theta, (v, i) => v - (result.theta[m]![i] as number));
      expectClose(step, g!.grad, `model ${m} gradient`);
    });
    for (const model of result.models) {
      validateModel(model);
      expect(model.spec.likelihood.kind).toBe(kind);
    }
  });

  // Student-t: the Normal's noise models with y ~ StudentT(df, f, σ); df learnt (θ's log df, its gradient checked too) or fixed.
  const studentCases = CONFIGS.map((config, i) => ({
    ...config,
    degreesOfFreedom: i === 1 || i === 6 ? 3.5 : ('learn' as const),
    label: `${config.viEstimator ?? ''}${config.adversarialEpsilon ? 'adversarial' : ''}`,
  }));
  it.each(studentCases)('student-t (df $degreesOfFreedom) / $method $label ($kernelStrategy): the first step moves θ by the oracle gradient (3 models)', async (config) => {
    const arch = { inputDim: 3, hidden: [5], activation: 'tanh' as const };
    const rand = testRng(8);
    const x = Array.from({ length: 14 }, () => Array.from({ length: 3 }, () => 4 * rand() - 2));
    const y = x.map((r, i) => (r[0] ?? 0) - (r[1] ?? 0) + 0.3 * rand() + (i % 5 === 0 ? 8 : 0));
    const options: TrainOptions = {
      ...config,
      likelihood: 'student-t',
      epochs: 1,
      batchSize: 16,
      optimizer: 'sgd',
      lr: 1,
      seed: 19,
      samplesPerStep: config.method === 'vi' ? 2 : 1,
      models: [
        { dropout: 0.2, tau: 4, priorScale: 0.7 },
        { rows: [0, 2, 3, 5, 7, 8, 11], dropout: 0.1, tau: 9 },
        { rows: [1, 4, 6, 9, 10, 12, 13, 0, 2], dropout: 0.3, tau: 2 },
      ],
    };
    const { label: _label, ...rest } = options as TrainOptions & { label: string };
    const result = await train(ctx, arch, { x, y }, rest);
    const state = oracleInit(arch, { x, y }, rest);
    state.models.forEach((ms, m) => {
      const g = oracleGradient(state, m, 0);
      expect(g).not.toBeNull();
      const step = Float64Array.from(ms.theta, (v, i) => v - (result.theta[m]![i] as number));
      expectClose(step, g!.grad, `model ${m} gradient`);
    });
    for (const model of result.models) {
      validateModel(model);
      expect(model.spec.likelihood.kind).toBe('student-t');
    }
  });

  it.each([
    { kind: 'categorical' as const, method: 'vi' as const },
    { kind: 'bernoulli' as const, method: 'mc-dropout' as const },
    { kind: 'beta' as const, method: 'ensemble' as const },
    { kind: 'dirichlet' as const, method: 'map' as const },
  ])('$kind / $method: several Adam epochs track the oracle (θ and loss history)', async ({ kind, method }) => {
    const arch = { inputDim: 3, hidden: [6], activation: 'relu' as const };
    const data = dataset(kind, 40, 12);
    const options: TrainOptions = { method, likelihood: kind, epochs: 3, batchSize: 16, lr: 1e-2, seed: 5, models: [{}, { rows: Array.from({ length: 25 }, (_, i) => i + 10) }] };
    const result = await train(ctx, arch, data, options);
    const oracle = oracleTrain(arch, data, options);
    result.theta.forEach((theta, m) => expectClose(theta, oracle.theta[m]!, `model ${m} θ`, 5e-3));
    result.history.forEach((losses, e) => expectClose(losses, oracle.history[e]!, `epoch ${e} loss`, 5e-3));
  });

  // Three separable blobs (centres 4-5 apart, spread ±0.5): each method's trained classifier, predicted
  // by the GPU engine (an ensemble as the mixture of its members), classifies >= 95% of the training
  // rows, and its probabilities agree with the float64 oracle's predict (Monte-Carlo over the same
  // streams: within 0.02 per probability, the float32 logits' effect on p).
  it.each(['vi', 'mc-dropout', 'map', 'ensemble'] as const)(
    'categorical / %s learns three blobs: GPU predict accuracy of at least 0.95, as the oracle predicts',
    async (method) => {
      const rand = testRng(40);
      const centres = [
        [0, 4],
        [-3.5, -2],
        [3.5, -2],
      ];
      const labels = Array.from({ length: 60 }, (_, i) => i % 3);
      const x = labels.map((c) => (centres[c] ?? [0, 0]).map((v) => v + (rand() - 0.5)));
      const options: TrainOptions = {
        method,
        likelihood: 'categorical',
        epochs: 40,
        lr: 3e-2,
        batchSize: 20,
        seed: 2,
        models: method === 'ensemble' ? [{}, {}, {}] : [{ dropout: 0.05 }],
      };
      const result = await train(ctx, { inputDim: 2, hidden: [8], activation: 'tanh' }, { x, y: labels }, options);
      const engine = Engine.create(ctx, method === 'ensemble' ? result.models : result.models[0]!);
      const o = { samples: 30, seed: 4, y: labels, path: 'joint' as const };
      const got = await engine.predict(x, o);
      engine.dispose();
      expect(got.metrics!.accuracy).toBeGreaterThanOrEqual(0.95);
      expect(got.probs!.every(Number.isFinite)).toBe(true);
      const want = oracleEnsemblePredict(result.models, x, o);
      expectAllClose(got.probs!, want.probs!, 0.02, 'probs');
    },
  );

  it('student-t / map, df learnt: several Adam epochs track the oracle (θ with log df, loss history) and record df', async () => {
    const arch = { inputDim: 3, hidden: [6], activation: 'tanh' as const };
    const rand = testRng(30);
    const x = Array.from({ length: 40 }, () => Array.from({ length: 3 }, () => 4 * rand() - 2));
    const y = x.map((r, i) => (r[0] ?? 0) + 0.2 * rand() + (i % 7 === 0 ? 10 : 0));
    const options: TrainOptions = {
      method: 'map',
      likelihood: 'student-t',
      epochs: 3,
      batchSize: 16,
      lr: 1e-2,
      seed: 5,
      models: [{}, { rows: Array.from({ length: 25 }, (_, i) => i + 10) }],
    };
    const result = await train(ctx, arch, { x, y }, options);
    const oracle = oracleTrain(arch, { x, y }, options);
    result.theta.forEach((theta, m) => expectClose(theta, oracle.theta[m]!, `model ${m} θ`, 5e-3));
    result.history.forEach((losses, e) => expectClose(losses, oracle.history[e]!, `epoch ${e} loss`, 5e-3));
    result.models.forEach((model, m) => {
      const lik = model.spec.likelihood;
      expect(lik.kind === 'student-t' ? lik.df : NaN).toBeCloseTo(Math.exp(result.theta[m]![result.theta[m]!.length - 1] ?? NaN), 5);
    });
  });
});
