/**
 * GPU training with 'concrete-dropout' (src/objective/index.ts, CONCRETE DROPOUT) against the float64
 * training oracle: a first SGD step with lr = 1 moves θ by exactly −gradient (the logits' gradient
 * through the relaxed masks included) for the Normal (tiled and simple kernels) and a
 * heteroscedastic head (the Student-t's and the classifiers' data terms are 'map''s, checked on the
 * oracle in test/reference/train/oracle-concrete.test.ts and parsed in test/support/program-matrix.ts), three models per dispatch with different rows and
 * initial rates (so invalid slots are present); a few Adam epochs track the oracle's θ and loss
 * history; and a run whose rates must move (pure noise: up; a clean sine: down) ends with a model
 * the engine predicts by MC dropout at the learnt rates. Tolerance: |gpu − oracle| <= 2e-3 (1 +
 * |oracle|), the point methods' bound (float32 forward and backward over O(1) values; the logit's
 * gradient multiplies by at most 1/T = 10 a drop probability whose float32 error, through the
 * logistic noise's logs, is ~1e-6). NaN or infinity fails the comparison.
 */
import { expect, it } from 'vitest';
import { Engine } from '../../src/infer/engine.js';
import { sigmoid } from '../../src/math/activations.js';
import { validateModel } from '../../src/model/validate-model.js';
import type { TrainOptions } from '../../src/objective/types.js';
import { oracleGradient, oracleInit, oracleTrain } from '../../src/reference/train/index.js';
import { train } from '../../src/train/trainer.js';
import { expectAllClose, relativeBound } from '../support/all-close.js';
import { describeGpu, gpu } from '../support/gpu.js';
import { testRng } from '../support/model-builders.js';
import { gaussian, uniformRows } from '../support/train-data.js';

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, what: string, tol = 2e-3): void {
  expectAllClose(got, want, relativeBound(want, tol), what);
}

describeGpu("GPU 'concrete-dropout' vs float64 oracle", () => {
  const ctx = gpu!;

  const CASES: { label: string; options: Partial<TrainOptions> }[] = [
    { label: 'normal, tiled', options: { kernelStrategy: 'tiled' } },
    { label: 'normal, simple', options: { kernelStrategy: 'simple' } },
    { label: 'heteroscedastic', options: { heteroscedastic: true, kernelStrategy: 'simple' } },
  ];

  it.each(CASES)('$label: the first SGD step moves θ by the oracle gradient (3 models, logits included)', async ({ options: extra }) => {
    const arch = { inputDim: 3, hidden: [5], activation: 'tanh' as const };
    const rand = testRng(8);
    const x = Array.from({ length: 14 }, () => Array.from({ length: 3 }, () => 4 * rand() - 2));
    const y = x.map((r, i) => (r[0] ?? 0) - (r[1] ?? 0) + 0.3 * (rand() - 0.5) + (i % 5 === 0 ? 2 : 0));
    const options: TrainOptions = {
      method: 'concrete-dropout',
      ...extra,
      epochs: 1,
      batchSize: 16,
      optimizer: 'sgd',
      lr: 1,
      seed: 19,
      lengthScale: 0.5,
      models: [{ dropout: 0.2 }, { rows: [0, 2, 3, 5, 7, 8, 11], dropout: 0.1 }, { rows: [1, 4, 6, 9, 10, 12, 13, 0, 2], dropout: 0.3 }],
    };
    const result = await train(ctx, arch, { x, y }, options);
    const state = oracleInit(arch, { x, y }, options);
    const { layout } = state.setup;
    state.models.forEach((ms, m) => {
      const g = oracleGradient(state, m, 0)!;
      // The logits' gradients are a real part of the check.
      for (let l = 0; l < layout.layers.length; l++) expect(Math.abs(g.grad[layout.dropoutLogit + l] ?? 0)).toBeGreaterThan(1e-4);
      const step = Float64Array.from(ms.theta, (v, i) => v - (result.theta[m]![i] as number));
      expectClose(step, g.grad, `model ${m} gradient`);
    });
    result.models.forEach((model) => validateModel(model));
  });

  it('several Adam epochs track the oracle (θ and loss history, 2 models)', async () => {
    const arch = { inputDim: 1, hidden: [6], activation: 'relu' as const };
    const x = uniformRows(40, 1, -1, 1, 12);
    const rand = testRng(13);
    const y = x.map((r) => Math.sin(3 * (r[0] ?? 0)) + 0.2 * gaussian(rand));
    const options: TrainOptions = { method: 'concrete-dropout', epochs: 3, batchSize: 16, lr: 1e-2, seed: 5, models: [{}, { rows: Array.from({ length: 25 }, (_, i) => i + 10) }] };
    const result = await train(ctx, arch, { x, y }, options);
    const oracle = oracleTrain(arch, { x, y }, options);
    result.theta.forEach((theta, m) => expectClose(theta, oracle.theta[m]!, `model ${m} θ`, 5e-3));
    result.history.forEach((losses, e) => expectClose(losses, oracle.history[e]!, `epoch ${e} loss`, 5e-3));
  });

  // The oracle test's toy (test/reference/train/oracle-concrete.test.ts), two models in one call:
  // rows 0..59 pure noise (the rates rise from 0.1), rows 60..119 a clean sine at the same x (they fall).
  it('learns rates that rise on noise and fall on a clean sine; the engine predicts at the learnt rates', async () => {
    const x1 = uniformRows(60, 1, -1, 1, 31);
    const rand = testRng(32);
    const noise = x1.map(() => gaussian(rand));
    const clean = x1.map((r) => Math.sin(3 * (r[0] ?? 0)) + 0.01 * gaussian(rand));
    const x = [...x1, ...x1];
    const y = [...noise, ...clean];
    const arch = { inputDim: 1, hidden: [16], activation: 'tanh' as const };
    const rows = (from: number) => Array.from({ length: 60 }, (_, i) => from + i);
    const options: TrainOptions = { method: 'concrete-dropout', epochs: 100, batchSize: 30, lr: 3e-2, seed: 4, lengthScale: 0.1, models: [{ rows: rows(0) }, { rows: rows(60) }] };
    const result = await train(ctx, arch, { x, y }, options);
    const [noisy, fit] = result.models.map((model) => model.spec.layers.map((l) => l.dropout)) as [number[], number[]];
    expect(Math.min(...noisy)).toBeGreaterThan(0.15);
    expect(Math.max(...fit)).toBeLessThan(0.05);
    // The spec's rates are the logits' sigmoids.
    const theta = result.theta[1]!;
    expect(fit[1]).toBeCloseTo(sigmoid(theta[theta.length - 1]!), 6);
    const engine = Engine.create(ctx, result.models[0]!);
    const p = await engine.predict([[-0.5], [0.5]], { samples: 64, seed: 1 });
    engine.dispose();
    // MC dropout at rates above 0.15 spreads the function: non-zero epistemic std, all finite.
    expect(Array.from(p.epistemicStd).every((s) => Number.isFinite(s) && s > 0)).toBe(true);
  });
});
