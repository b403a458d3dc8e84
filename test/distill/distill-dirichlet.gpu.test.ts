/**
 * Ensemble distribution distillation on the GPU: a deep ensemble of 8 point classifiers that agree
 * for |x| < 1 and disagree outside (test/support/ood-ensemble.ts) distilled into a Dirichlet student
 * on inputs over [-3, 3], then predicted in one pass by predictDirichlet at fresh points.
 *
 * Tolerances. The teacher here is exact (point members: its probabilities and mutual information
 * have no Monte-Carlo error); the student's error is its fit: 60 distillation inputs (30 and one
 * jittered copy) x 8 member probability vectors, a 12-unit tanh network, 100 full-batch Adam steps
 * at lr 0.06. Measured (SwiftShader): probabilities 0.07 root mean square and 0.15 worst over points
 * and classes; mutual information 0.11-0.14 at the in-distribution points (teacher 0: a Dirichlet
 * reaches zero only as α0 → ∞, and the softplus link grows α0 slowly), 0.15-0.34 outside (teacher
 * 0.18-0.37); at lr 0.03 the in-distribution values were 0.15 after 100 steps and 0.09 after 150.
 * Bounds: probabilities 0.12 root mean square and 0.3 worst (a student that learnt each set's average
 * probabilities misses by 0.26, checked); every out-of-distribution point's mutual information
 * above the in-distribution mean, and an AUROC of at least 0.95 separating the two sets.
 *
 * predictDirichlet's concentrations are checked exactly against the network in float64 (the
 * engine's float32 forward pass: relative error ≤ 1e-5 for these O(10) logits).
 */
import { expect, it } from 'vitest';
import { distill } from '../../src/distill/distill.js';
import { predictDirichlet } from '../../src/infer/dirichlet-predict.js';
import { Engine } from '../../src/infer/engine.js';
import { softplus } from '../../src/math/activations.js';
import { dirichletUncertainty } from '../../src/math/dirichlet.js';
import { isDeterministic } from '../../src/model/deterministic.js';
import { describeGpu, gpuContext } from '../support/gpu.js';
import { testRng } from '../support/model-builders.js';
import { oodEnsemble, oodForward, oodMember, oodMemberWeights } from '../support/ood-ensemble.js';
import { uniformRows } from '../support/train-data.js';

const x = uniformRows(30, 1, -3, 3, 21);
const inside = uniformRows(20, 1, -0.8, 0.8, 22);
const outside = uniformRows(20, 1, 2, 2.8, 23).map(([v], i) => [i % 2 === 0 ? (v as number) : -(v as number)]);

/** Fraction of (out, in) pairs where the out-of-distribution score is the larger (ties count half). */
function auroc(outScores: ArrayLike<number>, inScores: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < outScores.length; i++)
    for (let j = 0; j < inScores.length; j++) s += (outScores[i] as number) > (inScores[j] as number) ? 1 : outScores[i] === inScores[j] ? 0.5 : 0;
  return s / (outScores.length * inScores.length);
}

describeGpu('ensemble distribution distillation', () => {
  it('predictDirichlet: the concentrations of a point Dirichlet network are its softplus outputs, and the uncertainty their closed form', async () => {
    const w = oodMemberWeights(testRng(5));
    const model = oodMember(w, { kind: 'dirichlet', classes: 3, minConcentration: 1e-3 });
    const points = [-2.5, -1.2, 0, 0.7, 2.9];
    const p = await predictDirichlet(gpuContext(), model, points, { y: [0, 1, 2, 0, 1] });
    points.forEach((v, n) => {
      const alpha = oodForward(w, v).map((f) => softplus(f) + 1e-3);
      alpha.forEach((a, k) => expect(Math.abs((p.alpha[n * 3 + k] as number) - a) / a).toBeLessThan(1e-5));
      const u = dirichletUncertainty(p.alpha.subarray(n * 3, n * 3 + 3));
      expect(p.mutualInformation[n]).toBe(u.mutualInformation);
      expect(p.expectedEntropy[n]).toBe(u.expectedEntropy);
      expect(p.logPredictiveDensity?.[n]).toBeCloseTo(Math.log(u.probs[[0, 1, 2, 0, 1][n] as number] as number), 12);
    });
    expect(p.metrics?.nll).toBeCloseTo(-(p.logPredictiveDensity as Float64Array).reduce((s, v) => s + v, 0) / 5, 12);
  }, 60_000);

  it("an ensemble's Dirichlet student: the teacher's probabilities in one pass, and its mutual information ranks out-of-distribution inputs first", async () => {
    const ctx = gpuContext();
    const teacher = oodEnsemble(8, 3);
    const { student, report } = await distill(ctx, teacher, { x }, { hidden: [12], copies: 1, epochs: 100, batchSize: 480, lr: 6e-2, evaluationSamples: 8, seed: 4 });
    expect(isDeterministic(student.spec)).toBe(true);
    expect(student.spec.likelihood).toEqual({ kind: 'dirichlet', classes: 3, minConcentration: 1e-3 });
    expect(report.student).toBe('dirichlet');
    // Point members give their probabilities once each.
    expect(report.teacherSamples).toBe(8);
    expect(report.trainingPairs).toBe(60 * 8);
    const engine = Engine.create(ctx, teacher);
    try {
      const mi: Record<string, { teacher: Float32Array; student: Float64Array }> = {};
      let sq = 0;
      let worst = 0;
      let constantSq = 0;
      let count = 0;
      for (const [name, points] of [
        ['inside', inside],
        ['outside', outside],
      ] as const) {
        const t = await engine.predict(points, { samples: 8 });
        const s = await predictDirichlet(ctx, student, points);
        const tp = t.probs as Float32Array;
        const average = [0, 1, 2].map((k) => tp.filter((_, i) => i % 3 === k).reduce((a, b) => a + b, 0) / points.length);
        for (let i = 0; i < tp.length; i++) {
          const d = Math.abs((s.probs[i] as number) - (tp[i] as number));
          worst = Number.isNaN(d) ? NaN : Math.max(worst, d);
          sq += d * d;
          constantSq += ((average[i % 3] as number) - (tp[i] as number)) ** 2;
          count++;
        }
        mi[name] = { teacher: t.mutualInformation as Float32Array, student: s.mutualInformation };
      }
      expect(Math.sqrt(sq / count)).toBeLessThan(0.12);
      expect(worst).toBeLessThan(0.3);
      expect(Math.sqrt(constantSq / count)).toBeGreaterThan(0.2);
      const inside_ = mi['inside'] as { teacher: Float32Array; student: Float64Array };
      const outside_ = mi['outside'] as { teacher: Float32Array; student: Float64Array };
      // The teacher's own picture: no disagreement inside, some everywhere outside.
      expect(Math.max(...inside_.teacher)).toBeLessThan(1e-6);
      expect(Math.min(...outside_.teacher)).toBeGreaterThan(0.1);
      const insideMean = inside_.student.reduce((a, b) => a + b, 0) / inside_.student.length;
      expect(Math.min(...outside_.student)).toBeGreaterThan(insideMean);
      expect(auroc(outside_.student, inside_.student)).toBeGreaterThanOrEqual(0.95);
    } finally {
      engine.dispose();
    }
  }, 120_000);
});
