/**
 * A one-output bernoulli teacher (a 2-input VI classifier) distilled both ways: into a Dirichlet
 * student of K = 2 (class 1 is y = 1) and, with student: 'categorical', into a one-logit bernoulli
 * student trained on labels drawn from the teacher's P(y = 1).
 *
 * Acceptance runs, kept small (20 inputs and one jittered copy, 30 epochs): the student's kind and
 * its probabilities at the given inputs within 0.25 root mean square of the teacher's (a constant
 * 1/2 student misses this teacher by more than that, checked first).
 */
import { expect, it } from 'vitest';
import { distill } from '../../src/distill/distill.js';
import { Engine } from '../../src/infer/engine.js';
import { isDeterministic } from '../../src/model/deterministic.js';
import { describeGpu, gpuContext } from '../support/gpu.js';
import { scaledClassifier } from '../support/sample-set.js';
import { uniformRows } from '../support/train-data.js';

const x = uniformRows(20, 2, -3, 3, 31);
const options = { copies: 1, epochs: 30, batchSize: 160, lr: 1e-2, teacherSamples: 8, evaluationSamples: 200, seed: 2 };

describeGpu('distill a bernoulli teacher', () => {
  it('into a Dirichlet student of two classes, and into a bernoulli student', async () => {
    const ctx = gpuContext();
    const teacher = scaledClassifier(2, 7);
    const engine = Engine.create(ctx, teacher);
    try {
      const p = (await engine.predict(x, { samples: 200, seed: 1 })).probs as Float32Array;
      expect(Math.sqrt(p.reduce((s, v) => s + (v - 0.5) ** 2, 0) / p.length)).toBeGreaterThan(0.25);
    } finally {
      engine.dispose();
    }
    const dirichlet = await distill(ctx, teacher, { x }, options);
    expect(isDeterministic(dirichlet.student.spec)).toBe(true);
    expect(dirichlet.student.spec.likelihood).toEqual({ kind: 'dirichlet', classes: 2, minConcentration: 1e-3 });
    expect(dirichlet.report.trainingPairs).toBe(40 * 8);
    expect(dirichlet.report.agreement.meanRmse).toBeLessThan(0.25);
    expect(Number.isFinite(dirichlet.report.agreement.mutualInformationRmse)).toBe(true);

    const labels = await distill(ctx, teacher, { x }, { ...options, student: 'categorical' });
    expect(labels.student.spec.likelihood).toEqual({ kind: 'bernoulli' });
    expect(labels.report.student).toBe('bernoulli');
    expect(labels.report.agreement.meanRmse).toBeLessThan(0.25);
  }, 60_000);
});
