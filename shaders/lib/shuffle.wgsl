// Keyed Feistel permutation of [0, n) with cycle walking: the twin of src/random/shuffle.ts, its
// FEISTEL_ROUNDS = 4 rounds written out with keys.x .. keys.w (a loop indexing keys[r] made the
// minibatch gather of the UCI grid shape 1.5x slower on SwiftShader: bench/README.md).
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
  let l0 = (x >> half) & mask;
  let r0 = x & mask;
  let r1 = (l0 ^ feistel_round(r0, keys.x, mask)) & mask;
  let r2 = (r0 ^ feistel_round(r1, keys.y, mask)) & mask;
  let r3 = (r1 ^ feistel_round(r2, keys.z, mask)) & mask;
  let r4 = (r2 ^ feistel_round(r3, keys.w, mask)) & mask;
  return (r3 << half) | r4;
}

fn permute(p: u32, n: u32, keys: vec4<u32>) -> u32 {
  let half = feistel_half_bits(n);
  var y = feistel(p, half, keys);
  while (y >= n) {
    y = feistel(y, half, keys);
  }
  return y;
}
