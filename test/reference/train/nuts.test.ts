/**
 * 'nuts''s float64 pieces (src/objective/nuts.ts) and the oracle's sampler (src/reference/train/nuts.ts):
 * NumPyro's checkpoint indices (its documented examples, and for every leaf of a 2^10-leaf subtree
 * that each sub-subtree the leaf closes is checked against the checkpoint its first leaf stored, not
 * overwritten since), the U-turn criterion and log-add-exp against hand values, and on Bayesian linear
 * regression, where the posterior is known exactly, the draws' mean and variance per coefficient
 * within |z| < 4.5 (6 two-sided tests at 6.8e-6 each: a declared failure rate of 4e-5 at this fixed
 * seed) with the mean acceptance statistic near its target.
 */
import { describe, expect, it } from 'vitest';
import { checkpointRange, logAddExp, turningCheck } from '../../../src/objective/nuts.js';
import type { TrainOptions } from '../../../src/objective/types.js';
import { oracleTrain } from '../../../src/reference/train/index.js';
import { expectHmcMatchesLinearPosterior, linearPosterior } from '../../support/linear-posterior.js';
import { testRng } from '../../support/model-builders.js';
import { gaussian } from '../../support/train-data.js';

const popcount = (n: number) => n.toString(2).replace(/0/g, '').length;

describe('nuts pieces', () => {
  it("checkpoint indices: NumPyro's examples (6, 7, 13) and the first leaf", () => {
    expect(checkpointRange(0)).toEqual({ min: 1, max: 0 });
    expect(checkpointRange(6)).toEqual({ min: 3, max: 2 });
    expect(checkpointRange(7)).toEqual({ min: 0, max: 2 });
    expect(checkpointRange(13)).toEqual({ min: 2, max: 2 });
  });

  it("every leaf checks each sub-subtree it closes against the checkpoint of that sub-subtree's first leaf", () => {
    for (let n = 0; n < 1024; n++) {
      const { min, max } = checkpointRange(n);
      // Leaf n closes the sub-subtrees of 2^k leaves that start at s = n − 2^k + 1 (k = 1.. its trailing ones).
      const closes: number[] = [];
      for (let k = 1; (n + 1) % 2 ** k === 0; k++) closes.push(n - 2 ** k + 1);
      expect(max - min + 1, `leaf ${n}`).toBe(closes.length);
      closes.forEach((s, i) => {
        const index = max - i;
        expect(s % 2, `leaf ${n}: start ${s}`).toBe(0);
        expect(checkpointRange(s).max, `leaf ${n}: start ${s}`).toBe(index);
        expect(popcount(s >> 1)).toBe(index);
        for (let between = s + 2; between <= n; between += 2) expect(checkpointRange(between).max, `leaf ${n}: ${between} overwrote ${s}`).not.toBe(index);
      });
    }
  });

  it('the U-turn criterion and log-add-exp', () => {
    // s = Σr − (rL + rR)/2 = (1, 0) − (1, 0.5) = (0, −0.5): rL·s = 0 (turning, at the boundary), margin 0.
    expect(turningCheck([1, 0], [1, 1], [1, 0])).toEqual({ turning: true, margin: 0 });
    // Three steps straight ahead: s = (3, 0) − (1, 0) = (2, 0), both cosines 1.
    expect(turningCheck([1, 0], [1, 0], [3, 0])).toEqual({ turning: false, margin: 1 });
    // Opposite ends: s = (0, 0) − 0 = 0 → NaN cosines: turning (dots 0), margin 0.
    expect(turningCheck([1, 0], [-1, 0], [0, 0]).turning).toBe(true);
    expect(logAddExp(Math.log(2), Math.log(3))).toBeCloseTo(Math.log(5), 14);
    expect(logAddExp(-1e30, 0.5)).toBe(0.5);
  });
});

describe('oracle nuts', () => {
  it('linear regression with known noise: mean and variance of every coefficient match the exact posterior', () => {
    const rand = testRng(71);
    const x = Array.from({ length: 30 }, () => [2 * gaussian(rand) + 1, gaussian(rand)]);
    const y = x.map((r) => 1.5 * (r[0] ?? 0) - 0.7 * (r[1] ?? 0) + 0.3 + 0.5 * gaussian(rand));
    const options: TrainOptions = { method: 'hmc', epochs: 0, seed: 9, models: [{ tau: 4, priorScale: 0.7 }], hmc: { algorithm: 'nuts', chains: 4, warmup: 200, samples: 400 } };
    const result = oracleTrain({ inputDim: 2, hidden: [], activation: 'tanh' }, { x, y }, options);
    expectHmcMatchesLinearPosterior(result.snapshotTheta, result.mcmc!, linearPosterior(x, y, 0.7, 4), 400);
    for (const chain of result.mcmc!.chains) {
      expect(chain.tree!.meanDepth).toBeGreaterThanOrEqual(1);
      expect(chain.tree!.maxDepthHits).toBe(0);
    }
  });
});
