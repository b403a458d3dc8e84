/**
 * The Dirichlet student's targets (src/distill/dirichlet-targets.ts): each teacher sample's logits
 * turned into smoothed class probabilities, exact up to float64 rounding, and strictly inside (0, 1)
 * in float32 however confident the sample (the trainer's check on a Dirichlet target).
 */
import { describe, expect, it } from 'vitest';
import { probabilityTargets } from '../../src/distill/dirichlet-targets.js';

describe('probabilityTargets', () => {
  it('categorical: the softmax of each row of logits, smoothed towards 1/K', () => {
    const eps = 0.01;
    const out = probabilityTargets([0, Math.log(2), Math.log(3), 5, 5, 5], 'categorical', 3, eps);
    const expected = [1 / 6, 2 / 6, 3 / 6, 1 / 3, 1 / 3, 1 / 3].map((p) => (1 - eps) * p + eps / 3);
    out.forEach((v, i) => expect(v).toBeCloseTo(expected[i] as number, 15));
  });

  it('bernoulli: (1 − σ(f), σ(f)) per sample, K = 2', () => {
    const out = probabilityTargets([0, 2], 'bernoulli', 2, 1e-4);
    const s = 1 / (1 + Math.exp(-2));
    const expected = [0.5, 0.5, 1 - s, s].map((p) => (1 - 1e-4) * p + 0.5e-4);
    out.forEach((v, i) => expect(v).toBeCloseTo(expected[i] as number, 15));
  });

  it('saturated logits: every target inside (0, 1) in float32, rows summing to 1', () => {
    for (const [logits, kind, K] of [
      [[1000, -1000, 0, 80, -80, -80], 'categorical', 3],
      [[1000, -1000, 40, -40], 'bernoulli', 2],
    ] as const) {
      const out = probabilityTargets(logits, kind, K, 1e-6);
      for (let r = 0; r < out.length / K; r++) {
        let sum = 0;
        for (let k = 0; k < K; k++) {
          const v = Math.fround(out[r * K + k] as number);
          expect(v).toBeGreaterThan(0);
          expect(v).toBeLessThan(1);
          sum += out[r * K + k] as number;
        }
        expect(sum).toBeCloseTo(1, 14);
      }
    }
  });
});
