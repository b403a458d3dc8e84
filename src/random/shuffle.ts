/**
 * Minibatch order without sorting: a keyed bijection of [0, n) (a 4-round balanced Feistel network
 * on the smallest even number of bits covering n, with cycle walking back into range). Position p
 * of epoch e of the model with stream identity s holds row permute(p). The WGSL twin (shaders/lib/shuffle.wgsl) uses the
 * same u32 operations, so GPU and oracle draw identical minibatches.
 */
import { philox4x32 } from './philox.js';
import { STREAM_SHUFFLE, modelWord } from './train-streams.js';

/** The rounds of the network; shaders/lib/shuffle.wgsl writes these four out, one Philox word each. */
export const FEISTEL_ROUNDS = 4;

/** Half-width in bits of the Feistel domain for n rows: 2*half bits cover n (at least 1). */
export function feistelHalfBits(n: number): number {
  let bits = 2;
  while (2 ** bits < n) bits += 2;
  return bits / 2;
}

/** The 4 round keys of (stream identity, epoch): the words of one Philox block. */
export function shuffleKeys(key: readonly [number, number], stream: number, epoch: number): [number, number, number, number] {
  return philox4x32(0, epoch >>> 0, STREAM_SHUFFLE, modelWord(stream), key[0], key[1]);
}

/** Round function: a u32 mix of (right half, round key), masked to `half` bits. */
function roundFunction(right: number, roundKey: number, mask: number): number {
  let h = Math.imul(right ^ roundKey, 0x85ebca6b) >>> 0;
  h = (h ^ (h >>> 13)) >>> 0;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h = (h ^ (h >>> 16)) >>> 0;
  return h & mask;
}

function feistel(x: number, half: number, keys: readonly number[]): number {
  const mask = 2 ** half - 1;
  let left = Math.floor(x / 2 ** half) & mask;
  let right = x & mask;
  for (let r = 0; r < FEISTEL_ROUNDS; r++) {
    const next = (left ^ roundFunction(right, keys[r] ?? 0, mask)) & mask;
    left = right;
    right = next;
  }
  return left * 2 ** half + right;
}

/** Row at position p (0 <= p < n) of the permutation given by `keys`. */
export function permute(p: number, n: number, keys: readonly number[]): number {
  const half = feistelHalfBits(n);
  let y = feistel(p, half, keys);
  while (y >= n) y = feistel(y, half, keys);
  return y;
}
