/**
 * distill() on the GPU: a 1-D teacher's predictive (a mean-field VI network, and a heteroscedastic
 * deep ensemble, both built with fixed weights so the test needs no teacher training) distilled
 * into a deterministic student, whose single forward pass must track the teacher's mean and std.
 */
import { expect, it } from 'vitest';
import { distill } from '../../src/distill/distill.js';
import { Engine } from '../../src/infer/engine.js';
import { isDeterministic } from '../../src/model/deterministic.js';
import type { Model } from '../../src/model/spec.js';
import { describeGpu, gpuContext } from '../support/gpu.js';
import { buildModel } from '../support/model-builders.js';
import { uniformRows } from '../support/train-data.js';

const x = uniformRows(60, 1, -2, 2, 11);
/** A grid over the same range, none of it a distillation input. */
const grid = Array.from({ length: 41 }, (_, i) => [-1.9 + (3.8 * i) / 40]);

function viTeacher(): Model {
  return buildModel({ inputDim: 1, units: [16, 1], seed: 7, scale: 0.4, noise: { kind: 'fixed', sigma: 0.2 } });
}

function ensembleTeacher(): Model[] {
  return [1, 2, 3].map((seed) => buildModel({ inputDim: 1, units: [16, 2], seed, posterior: 'delta', noise: { kind: 'heteroscedastic', minScale: 1e-3 } }));
}

async function compare(teacher: Model | Model[]) {
  const ctx = gpuContext();
  const { student, report } = await distill(ctx, teacher, { x }, { epochs: 150, seed: 3 });
  const t = Engine.create(ctx, teacher);
  const s = Engine.create(ctx, student);
  try {
    const tp = await t.predict(grid, { samples: Array.isArray(teacher) ? 999 : 1000, seed: 5 });
    const sp = await s.predict(grid, { samples: 1, path: 'joint' });
    return { student, report, tp, sp };
  } finally {
    t.dispose();
    s.dispose();
  }
}

describeGpu('distill', () => {
  for (const [name, make] of [
    ['VI teacher', viTeacher],
    ['ensemble teacher', ensembleTeacher],
  ] as const) {
    it(`${name}: the student's mean and std track the teacher's predictive in one sample`, async () => {
      const { student, report, tp, sp } = await compare(make());
      expect(isDeterministic(student.spec)).toBe(true);
      expect(sp.samples).toBe(1);
      let meanErr = 0;
      let stdErr = 0;
      for (let i = 0; i < grid.length; i++) {
        const tStd = tp.std[i] as number;
        meanErr = Math.max(meanErr, Math.abs((sp.mean[i] as number) - (tp.mean[i] as number)) / tStd);
        stdErr = Math.max(stdErr, Math.abs((sp.std[i] as number) / tStd - 1));
      }
      console.log(name, { meanErr, stdErr, agreement: report.agreement, loss: report.history.at(-1), trainMs: report.trainMs });
      expect(meanErr).toBeLessThan(0.3);
      expect(stdErr).toBeLessThan(0.3);
    }, 300_000);
  }
});
