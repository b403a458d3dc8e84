/**
 * distill() takes a classifier teacher of every kind the library's posteriors come as: a mean-field
 * VI model, an MC-dropout model, and a set of posterior samples saved as point models (what MCMC
 * chains, Laplace and SWAG draws give: an ensemble of delta members, here 12 draws from a VI
 * posterior), each into a Dirichlet student; and a regression sample set (homoscedastic point
 * members with a fixed noise sigma) into the heteroscedastic student. Deep ensembles:
 * distill-dirichlet.gpu.test.ts; bernoulli teachers: distill-bernoulli.gpu.test.ts; regression VI,
 * MC-dropout and ensemble teachers, measured closely: distill.gpu.test.ts.
 *
 * These are acceptance runs, kept small (20 inputs and one jittered copy, 30 epochs): each checks
 * the student's kind, the teacher draws it trained on, and that its probabilities (regression: its
 * mean) at the given inputs are within a loose bound of the teacher's: 0.25 root mean square for
 * probabilities (measured 0.09-0.15; a constant 1/K student misses these teachers by more than 0.25,
 * checked) and one teacher std for a regression mean; the fit itself is measured in the files named.
 */
import { expect, it } from 'vitest';
import { distill } from '../../src/distill/distill.js';
import { isDeterministic } from '../../src/model/deterministic.js';
import type { Model } from '../../src/model/spec.js';
import { Engine } from '../../src/infer/engine.js';
import { describeGpu, gpuContext } from '../support/gpu.js';
import { buildModel } from '../support/model-builders.js';
import { sampleSet, scaledClassifier } from '../support/sample-set.js';
import { uniformRows } from '../support/train-data.js';

const x = uniformRows(20, 2, -3, 3, 31);
const options = { copies: 1, epochs: 30, batchSize: 160, lr: 1e-2, teacherSamples: 8, evaluationSamples: 200, seed: 2 };

/** Root mean square of the constant 1/K student's probabilities against the teacher's. */
function constantGap(probs: ArrayLike<number>, K: number): number {
  let c = 0;
  for (let i = 0; i < probs.length; i++) c += (1 / K - (probs[i] as number)) ** 2 / probs.length;
  return Math.sqrt(c);
}

describeGpu('distill takes a teacher of every kind', () => {
  const classifiers: [string, () => Model | Model[], number, number][] = [
    ['a VI classifier', () => scaledClassifier(3, 5), 3, 8],
    ['an MC-dropout classifier', () => scaledClassifier(3, 6, { posterior: 'delta', dropout: [0, 0.3] }), 3, 8],
    ['a sample-set classifier (12 point models)', () => sampleSet(scaledClassifier(3, 5), 12, 9), 3, 12],
  ];
  for (const [name, make, K, draws] of classifiers) {
    it(`${name} -> a Dirichlet student`, async () => {
      const ctx = gpuContext();
      const teacher = make();
      const { student, report } = await distill(ctx, teacher, { x }, options);
      expect(isDeterministic(student.spec)).toBe(true);
      expect(student.spec.likelihood).toEqual({ kind: 'dirichlet', classes: K, minConcentration: 1e-3 });
      expect(report.teacherSamples).toBe(draws);
      expect(report.trainingPairs).toBe(40 * draws);
      const engine = Engine.create(ctx, teacher);
      try {
        const t = await engine.predict(x, { samples: 240, seed: 1 });
        const probs = t.probs as Float32Array;
        const full = K === 2 ? Float64Array.from({ length: 2 * probs.length }, (_, i) => (i % 2 === 1 ? (probs[i >> 1] as number) : 1 - (probs[i >> 1] as number))) : probs;
        expect(constantGap(full, K)).toBeGreaterThan(0.25);
      } finally {
        engine.dispose();
      }
      expect(report.agreement.meanRmse).toBeLessThan(0.25);
      expect(Number.isFinite(report.agreement.mutualInformationRmse)).toBe(true);
    }, 60_000);
  }

  it('a sample-set regression teacher (12 homoscedastic point models) -> the heteroscedastic student', async () => {
    const ctx = gpuContext();
    const vi = buildModel({ inputDim: 2, units: [8, 1], seed: 4, scale: 0.4, noise: { kind: 'fixed', sigma: 0.2 } });
    const { student, report } = await distill(ctx, sampleSet(vi, 12, 10), { x }, options);
    expect(isDeterministic(student.spec)).toBe(true);
    expect(student.spec.likelihood).toMatchObject({ noise: { kind: 'heteroscedastic' } });
    expect(report.student).toBe('normal');
    // y draws carry each member's noise, so every requested draw counts (8, rounded up to the 12 members).
    expect(report.teacherSamples).toBe(12);
    expect(report.agreement.meanRmse).toBeLessThan(report.agreement.teacherStd);
  }, 60_000);
});
