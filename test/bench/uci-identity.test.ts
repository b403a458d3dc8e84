/**
 * The UCI tool's model identities (bench/uci/identity.ts): the packing of (split, grid point,
 * member) into ModelHyper.stream is a bijection on its ranges, stays inside the streams train()
 * accepts, and is pinned (changing it changes every benchmark number); grid points keep their
 * identity across learning rates.
 */
import { describe, expect, it } from 'vitest';
import { IDENTITY_MEMBERS, IDENTITY_POINTS, IDENTITY_SPLITS, gridPointIdentities, uciStream } from '../../bench/uci/identity.js';
import { InvalidInputError } from '../../src/errors.js';
import { MAX_MODEL_STREAM } from '../../src/random/train-streams.js';

describe('UCI model identities', () => {
  it('pack (split, point, member) as split 2^22 + point 2^12 + member: pinned values', () => {
    expect(uciStream({ split: 0, point: 0, member: 0 })).toBe(0);
    expect(uciStream({ split: 0, point: 0, member: 4 })).toBe(4);
    expect(uciStream({ split: 0, point: 3, member: 0 })).toBe(12288);
    expect(uciStream({ split: 19, point: 15, member: 2 })).toBe(79753218);
    expect(uciStream({ split: IDENTITY_SPLITS - 1, point: IDENTITY_POINTS - 1, member: IDENTITY_MEMBERS - 1 })).toBe(4290772991);
  });

  it('are unique: every identity of 20 splits x 48 points x 10 members has its own stream, which decodes back to it', () => {
    const seen = new Set<number>();
    for (let split = 0; split < 20; split++) {
      for (let point = 0; point < 48; point++) {
        for (let member = 0; member < 10; member++) {
          const s = uciStream({ split, point, member });
          expect([Math.floor(s / 2 ** 22), Math.floor(s / 2 ** 12) % 1024, s % 4096]).toEqual([split, point, member]);
          seen.add(s);
        }
      }
    }
    expect(seen.size).toBe(20 * 48 * 10);
  });

  it('stay within the streams train() accepts; fields out of range are an InvalidInputError', () => {
    expect(uciStream({ split: IDENTITY_SPLITS - 1, point: IDENTITY_POINTS - 1, member: IDENTITY_MEMBERS - 1 })).toBeLessThanOrEqual(MAX_MODEL_STREAM);
    for (const bad of [
      { split: IDENTITY_SPLITS, point: 0, member: 0 },
      { split: 0, point: IDENTITY_POINTS, member: 0 },
      { split: 0, point: 0, member: IDENTITY_MEMBERS },
      { split: -1, point: 0, member: 0 },
      { split: 0, point: 1.5, member: 0 },
      { split: 0, point: 0, member: NaN },
    ]) {
      expect(() => uciStream(bad)).toThrow(InvalidInputError);
    }
  });

  it("a grid point's identity is its base point's at every learning rate", () => {
    const base = [
      { dropout: 0.01, tau: 1 },
      { dropout: 0.01, tau: 4 },
      { dropout: 0.05, tau: 1 },
    ];
    const crossed = base.flatMap((p) => [3e-2, 1e-1].map((lr) => ({ ...p, lr })));
    expect(gridPointIdentities(crossed, 3e-2)).toEqual([0, 0, 1, 1, 2, 2]);
    expect(gridPointIdentities(base, 3e-2)).toEqual([0, 1, 2]);
    // Points without a rate are at the run's: the ensemble's epochs grid.
    expect(gridPointIdentities([{ epochs: 40 }, { epochs: 400 }], 1e-2)).toEqual([0, 1]);
  });
});
