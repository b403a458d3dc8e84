/**
 * GPU training with TrainOptions.heteroscedastic (src/objective/index.ts, HETEROSCEDASTIC HEAD)
 * against the float64 training oracle, as train-likelihoods.gpu.test.ts does: a first SGD step with
 * lr = 1 moves θ by exactly −gradient, for the Normal and the Student-t × 'vi' (each estimator),
 * 'mc-dropout', 'map' (and adversarial 'map'), three models per dispatch with different rows (so
 * invalid slots are present); a few Adam epochs track the oracle's θ and loss history; and the GPU
 * engine's predictions of a trained head show noise that grows with |x| where a fixed-noise model's
 * do not. Tolerance: |gpu − oracle| <= 2e-3 (1 + |oracle|), the Normal's bound (float32 forward and
 * backward over O(1) values). NaN or infinity fails the comparison.
 */
import { expect, it } from 'vitest';
import { Engine } from '../../src/infer/engine.js';
import { validateModel } from '../../src/model/validate-model.js';
import type { TrainMethod, TrainOptions } from '../../src/objective/types.js';
import { oracleGradient, oracleInit, oracleTrain } from '../../src/reference/train/index.js';
import { train } from '../../src/train/trainer.js';
import { expectAllClose, relativeBound } from '../support/all-close.js';
import { describeGpu, gpu } from '../support/gpu.js';
import { testRng } from '../support/model-builders.js';
import { growingNoise } from '../support/train-data.js';

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, what: string, tol = 2e-3): void {
  expectAllClose(got, want, relativeBound(want, tol), what);
}

const CONFIGS: readonly {
  method: TrainMethod;
  viEstimator?: 'reparameterization' | 'local' | 'flipout';
  adversarialEpsilon?: number;
  hierarchical?: boolean;
  kernelStrategy: 'tiled' | 'simple';
}[] = [
  { method: 'vi', viEstimator: 'reparameterization', kernelStrategy: 'tiled' },
  { method: 'vi', viEstimator: 'local', hierarchical: true, kernelStrategy: 'simple' },
  { method: 'vi', viEstimator: 'flipout', kernelStrategy: 'simple' },
  { method: 'mc-dropout', kernelStrategy: 'tiled' },
  { method: 'map', kernelStrategy: 'simple' },
  { method: 'map', adversarialEpsilon: 0.05, kernelStrategy: 'tiled' },
];

describeGpu('GPU training with a heteroscedastic head vs float64 oracle', () => {
  const ctx = gpu!;
  const cases = (['normal', 'student-t'] as const).flatMap((likelihood) =>
    CONFIGS.map((config) => ({
      likelihood,
      ...config,
      label: `${config.viEstimator ?? ''}${config.hierarchical ? ' hierarchical' : ''}${config.adversarialEpsilon ? 'adversarial' : ''}`,
    })),
  );

  it.each(cases)('$likelihood / $method $label ($kernelStrategy): the first step moves θ by the oracle gradient (3 models)', async ({ label: _label, ...config }) => {
    const arch = { inputDim: 3, hidden: [5], activation: 'tanh' as const };
    const rand = testRng(8);
    const x = Array.from({ length: 14 }, () => Array.from({ length: 3 }, () => 4 * rand() - 2));
    const y = x.map((r, i) => (r[0] ?? 0) - (r[1] ?? 0) + (0.1 + Math.abs(r[2] ?? 0)) * (rand() - 0.5) + (i % 5 === 0 ? 4 : 0));
    const options: TrainOptions = {
      ...config,
      heteroscedastic: true,
      epochs: 1,
      batchSize: 16,
      optimizer: 'sgd',
      lr: 1,
      seed: 19,
      samplesPerStep: config.method === 'vi' ? 2 : 1,
      models: [
        { dropout: 0.2, priorScale: 0.7 },
        { rows: [0, 2, 3, 5, 7, 8, 11], dropout: 0.1 },
        { rows: [1, 4, 6, 9, 10, 12, 13, 0, 2], dropout: 0.3, priorScale: 2 },
      ],
    };
    const result = await train(ctx, arch, { x, y }, options);
    const state = oracleInit(arch, { x, y }, options);
    expect(state.setup.layout.outputUnits).toBe(2);
    state.models.forEach((ms, m) => {
      const g = oracleGradient(state, m, 0);
      expect(g).not.toBeNull();
      const step = Float64Array.from(ms.theta, (v, i) => v - (result.theta[m]![i] as number));
      expectClose(step, g!.grad, `model ${m} gradient`);
    });
    for (const model of result.models) {
      validateModel(model);
      const lik = model.spec.likelihood;
      expect(lik.kind ?? 'normal').toBe(config.likelihood);
      expect('noise' in lik ? lik.noise.kind : null).toBe('heteroscedastic');
    }
  });

  // β-NLL (TrainOptions.betaNll): the weights σ^(2β) are in the GPU's step as in the oracle's.
  it.each([
    { method: 'mc-dropout' as const, likelihood: 'normal' as const, kernelStrategy: 'tiled' as const },
    { method: 'map' as const, likelihood: 'student-t' as const, kernelStrategy: 'simple' as const },
    { method: 'ensemble' as const, likelihood: 'normal' as const, kernelStrategy: 'tiled' as const },
  ])('$likelihood / $method ($kernelStrategy), betaNll 0.5: the first step moves θ by the oracle gradient (2 models)', async (config) => {
    const arch = { inputDim: 2, hidden: [5], activation: 'tanh' as const };
    const rand = testRng(4);
    const x = Array.from({ length: 11 }, () => Array.from({ length: 2 }, () => 4 * rand() - 2));
    const y = x.map((r, i) => (r[0] ?? 0) * (r[1] ?? 0) + (rand() - 0.5) + (i % 4 === 0 ? 3 : 0));
    const options: TrainOptions = {
      ...config,
      heteroscedastic: true,
      betaNll: 0.5,
      epochs: 1,
      batchSize: 16,
      optimizer: 'sgd',
      lr: 1,
      seed: 23,
      models: [{ dropout: 0.2 }, { rows: [0, 2, 3, 5, 7, 8], dropout: 0.1 }],
    };
    const result = await train(ctx, arch, { x, y }, options);
    const state = oracleInit(arch, { x, y }, options);
    const plain = oracleInit(arch, { x, y }, { ...options, betaNll: 0 });
    state.models.forEach((ms, m) => {
      const g = oracleGradient(state, m, 0)!;
      const step = Float64Array.from(ms.theta, (v, i) => v - (result.theta[m]![i] as number));
      expectClose(step, g.grad, `model ${m} gradient`);
      // The plain NLL's step is another: the comparison above can tell them apart.
      const g0 = oracleGradient(plain, m, 0)!;
      expect(Math.max(...g.grad.map((v, i) => Math.abs(v - (g0.grad[i] as number))))).toBeGreaterThan(0.05 * Math.max(...g0.grad.map(Math.abs)));
    });
  });

  it.each([
    { method: 'vi' as const, likelihood: 'normal' as const },
    { method: 'mc-dropout' as const, likelihood: 'normal' as const },
    { method: 'map' as const, likelihood: 'student-t' as const },
  ])('$likelihood / $method: several Adam epochs track the oracle (θ and loss history)', async ({ method, likelihood }) => {
    const arch = { inputDim: 1, hidden: [6], activation: 'relu' as const };
    const data = growingNoise(40, 12);
    const options: TrainOptions = {
      method,
      likelihood,
      heteroscedastic: true,
      epochs: 3,
      batchSize: 16,
      lr: 1e-2,
      seed: 5,
      models: [{}, { rows: Array.from({ length: 25 }, (_, i) => i + 10) }],
    };
    const result = await train(ctx, arch, data, options);
    const oracle = oracleTrain(arch, data, options);
    result.theta.forEach((theta, m) => expectClose(theta, oracle.theta[m]!, `model ${m} θ`, 5e-3));
    result.history.forEach((losses, e) => expectClose(losses, oracle.history[e]!, `epoch ${e} loss`, 5e-3));
  });

  // y = x + (0.1 + 0.5|x|) ε, true noise std 0.1 at x = 0 and 1.0 at |x| = 1.8. The GPU engine's
  // aleatoric std of the trained head rises from the centre to both edges by at least `factor` (the
  // oracle test's bounds: 2 for 'vi' and 'map', 1.3 for 'mc-dropout', whose dropout masks jitter the
  // scale unit too); the fixed-noise model's is the same at every x (within 5%).
  it.each([
    { method: 'vi' as const, factor: 2 },
    { method: 'mc-dropout' as const, factor: 1.3 },
    { method: 'map' as const, factor: 2 },
  ])('$method learns noise that grows with |x| (GPU engine predict); the fixed-noise model does not', async ({ method, factor }) => {
    const data = growingNoise(300, 21);
    const arch = { inputDim: 1, hidden: [16], activation: 'tanh' as const };
    const options: TrainOptions = { method, epochs: 300, batchSize: 50, lr: 1e-2, seed: 2, models: [{ dropout: 0.05 }] };
    const probe = [[-1.8], [0], [1.8]];
    const std = async (heteroscedastic: boolean) => {
      const result = await train(ctx, arch, data, { ...options, heteroscedastic });
      const engine = Engine.create(ctx, result.models[0]!);
      const p = await engine.predict(probe, { samples: 50, seed: 3 });
      engine.dispose();
      return Array.from(p.aleatoricStd);
    };
    const [left, centre, right] = (await std(true)) as [number, number, number];
    expect(left / centre).toBeGreaterThan(factor);
    expect(right / centre).toBeGreaterThan(factor);
    const fixed = await std(false);
    expect(Math.max(...fixed) / Math.min(...fixed)).toBeLessThan(1.05);
  });
});
