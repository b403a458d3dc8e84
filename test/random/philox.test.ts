import { describe, expect, it } from 'vitest';
import { mulhi32, philox4x32 } from '../../src/random/philox.js';

const hex = (w: readonly number[]) => w.map((x) => x.toString(16).padStart(8, '0')).join(' ');

/** Random123 known-answer vectors for philox4x32-10 (kat_vectors). */
export const PHILOX_KAT: ReadonlyArray<{ ctr: number[]; key: number[]; out: string }> = [
  { ctr: [0, 0, 0, 0], key: [0, 0], out: '6627e8d5 e169c58d bc57ac4c 9b00dbd8' },
  {
    ctr: [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff],
    key: [0xffffffff, 0xffffffff],
    out: '408f276d 41c83b0e a20bc7c6 6d5451fd',
  },
  {
    ctr: [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344],
    key: [0xa4093822, 0x299f31d0],
    out: 'd16cfe09 94fdcceb 5001e420 24126ea1',
  },
];

describe('philox4x32-10 (TypeScript)', () => {
  it.each(PHILOX_KAT)('matches Random123 known answer $out', ({ ctr, key, out }) => {
    const [c0 = 0, c1 = 0, c2 = 0, c3 = 0] = ctr;
    const [k0 = 0, k1 = 0] = key;
    expect(hex(philox4x32(c0, c1, c2, c3, k0, k1))).toBe(out);
  });

  it('mulhi32 equals the BigInt product high word', () => {
    let s = 12345;
    for (let i = 0; i < 2000; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const a = s;
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const b = i % 7 === 0 ? 0xffffffff : s;
      expect(mulhi32(a, b)).toBe(Number((BigInt(a) * BigInt(b)) >> 32n));
    }
  });
});
