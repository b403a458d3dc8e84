/** Keyed Feistel permutation of [0, n) with cycle walking: twin of src/random/shuffle.ts. */
import { FEISTEL_ROUNDS } from '../../src/random/shuffle.js';

export const shuffleWgsl = /* wgsl */ `
fn feistel_half_bits(n: u32) -> u32 {
  var bits = 2u;
  while (bits < 32u && (1u << bits) < n) {
    bits = bits + 2u;
  }
  return bits / 2u;
}

fn feistel_round(right: u32, round_key: u32, mask: u32) -> u32 {
  var h = (right ^ round_key) * 0x85ebca6bu;
  h = h ^ (h >> 13u);
  h = h * 0xc2b2ae35u;
  h = h ^ (h >> 16u);
  return h & mask;
}

fn feistel(x: u32, half: u32, keys: vec4<u32>) -> u32 {
  let mask = (1u << half) - 1u;
  var left = (x >> half) & mask;
  var right = x & mask;
  for (var r = 0u; r < ${FEISTEL_ROUNDS}u; r++) {
    let next = (left ^ feistel_round(right, keys[r], mask)) & mask;
    left = right;
    right = next;
  }
  return (left << half) | right;
}

fn permute(p: u32, n: u32, keys: vec4<u32>) -> u32 {
  let half = feistel_half_bits(n);
  var y = feistel(p, half, keys);
  while (y >= n) {
    y = feistel(y, half, keys);
  }
  return y;
}
`;
