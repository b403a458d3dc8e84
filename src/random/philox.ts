/**
 * Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11), bit-exact
 * with Random123 and with shaders/lib/philox.wgsl. Pure u32 arithmetic: the float64 oracle and
 * the GPU draw identical words for the same (counter, key).
 */

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** High 32 bits of the 64-bit product of two u32s, from 16-bit halves (as the WGSL twin does). */
export function mulhi32(a: number, b: number): number {
  const aLo = a & 0xffff;
  const aHi = a >>> 16;
  const bLo = b & 0xffff;
  const bHi = b >>> 16;
  const loLo = aLo * bLo;
  const hiLo = aHi * bLo;
  const loHi = aLo * bHi;
  const hiHi = aHi * bHi;
  const cross = (loLo >>> 16) + (hiLo & 0xffff) + (loHi & 0xffff);
  return (hiHi + (hiLo >>> 16) + (loHi >>> 16) + (cross >>> 16)) >>> 0;
}

export type Words4 = [number, number, number, number];

/** One Philox4x32-10 block: 4 counter words, 2 key words, all u32 (as JS numbers). */
export function philox4x32(c0: number, c1: number, c2: number, c3: number, k0: number, k1: number): Words4 {
  let x0 = c0 >>> 0;
  let x1 = c1 >>> 0;
  let x2 = c2 >>> 0;
  let x3 = c3 >>> 0;
  let key0 = k0 >>> 0;
  let key1 = k1 >>> 0;
  for (let round = 0; round < 10; round++) {
    if (round > 0) {
      key0 = (key0 + W0) >>> 0;
      key1 = (key1 + W1) >>> 0;
    }
    const hi0 = mulhi32(M0, x0);
    const lo0 = Math.imul(M0, x0) >>> 0;
    const hi1 = mulhi32(M1, x2);
    const lo1 = Math.imul(M1, x2) >>> 0;
    x0 = (hi1 ^ x1 ^ key0) >>> 0;
    x1 = lo1;
    x2 = (hi0 ^ x3 ^ key1) >>> 0;
    x3 = lo0;
  }
  return [x0, x1, x2, x3];
}
