/**
 * distill() of a categorical teacher on the GPU: a 2-D, 3-class mean-field VI network (fixed
 * weights, no training) distilled into a deterministic 3-logit student trained on labels drawn
 * from the teacher's mean probabilities; its one pass must give the teacher's probabilities.
 *
 * Tolerance: the teacher's own Monte-Carlo error at S = 1000 is ≤ 0.5/√1000 ≈ 0.016 per
 * probability; the student's error is dominated by interpolation between the sparse distillation
 * inputs (60 points and their jittered copies in a 6 x 6 square, the test points in between) and by
 * the labels' sampling noise (16 per input: ≈ 0.1 per point, pooled by the network): measured 0.08
 * root mean square over points and classes and 0.20 worst (SwiftShader; 200 epochs instead of 100
 * gave the same, so it is not optimisation). Bounds: root mean square 0.15, worst 0.4; a student
 * that learnt only the average probabilities (the same everywhere) misses by 0.28 (checked below).
 */
import { expect, it } from 'vitest';
import { distill } from '../../src/distill/distill.js';
import { Engine } from '../../src/infer/engine.js';
import { isDeterministic } from '../../src/model/deterministic.js';
import type { Model } from '../../src/model/spec.js';
import { describeGpu, gpuContext } from '../support/gpu.js';
import { buildModel } from '../support/model-builders.js';
import { uniformRows } from '../support/train-data.js';

const x = uniformRows(60, 2, -3, 3, 21);
const test = uniformRows(40, 2, -2.7, 2.7, 22);

/** Output weights' locs scaled by 6 so the probabilities range widely over the inputs (the builder's are small). */
function teacher(): Model {
  const m = buildModel({ inputDim: 2, units: [16, 3], seed: 9, scale: 0.5 });
  const tensors = new Map(m.tensors);
  const out = tensors.get('layers.1.weight.loc');
  if (!out) throw new Error('no output weights');
  tensors.set('layers.1.weight.loc', { shape: out.shape, data: out.data.map((v) => 6 * v) });
  return { spec: { ...m.spec, likelihood: { kind: 'categorical', classes: 3 } }, tensors };
}

describeGpu('distill a classifier', () => {
  it("a categorical teacher: the student's probabilities track the teacher's in one sample", async () => {
    const ctx = gpuContext();
    const t = teacher();
    const { student, report } = await distill(ctx, t, { x }, { student: 'categorical', epochs: 100, seed: 4 });
    expect(isDeterministic(student.spec)).toBe(true);
    expect(student.spec.likelihood).toEqual({ kind: 'categorical', classes: 3 });
    const te = Engine.create(ctx, t);
    const se = Engine.create(ctx, student);
    try {
      const tp = await te.predict(test, { samples: 1000, seed: 6 });
      const sp = await se.predict(test, { samples: 1, path: 'joint' });
      const tProbs = tp.probs as Float32Array;
      const sProbs = sp.probs as Float32Array;
      expect(sp.samples).toBe(1);
      let sq = 0;
      let worst = 0;
      const average = [0, 1, 2].map((k) => tProbs.filter((_, i) => i % 3 === k).reduce((a, b) => a + b, 0) / test.length);
      let constantSq = 0;
      for (let i = 0; i < tProbs.length; i++) {
        const d = Math.abs((sProbs[i] as number) - (tProbs[i] as number));
        worst = Number.isNaN(d) ? NaN : Math.max(worst, d);
        sq += (d * d) / tProbs.length;
        constantSq += ((average[i % 3] as number) - (tProbs[i] as number)) ** 2 / tProbs.length;
      }
      expect(Math.sqrt(sq)).toBeLessThan(0.15);
      expect(worst).toBeLessThan(0.4);
      expect(report.agreement.meanRmse).toBeLessThan(0.15);
      // The bound discriminates: the average probabilities alone miss by more.
      expect(Math.sqrt(constantSq)).toBeGreaterThan(0.25);
    } finally {
      te.dispose();
      se.dispose();
    }
  }, 300_000);
});
