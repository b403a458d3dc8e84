// Philox4x32-10, the bit-exact twin of src/random/philox.ts. WGSL has no 64-bit integers, so the
// high word of a 32x32 product is built from 16-bit halves. The ten rounds are written out with
// their round keys as constants: on SwiftShader the loop took 1.25x as long (1M blocks: 80 against
// 64 ms; Hacker's Delight's shorter mulhu measured the same as this one, so the twin is kept).

// The high word of a * b for a constant a given as its 16-bit halves (src/random/philox.ts's
// mulhi32; the callers pass literals, so the halves are constants after inlining).
fn mulhi_halves(a_hi: u32, a_lo: u32, b: u32) -> u32 {
  let bLo = b & 0xffffu;
  let bHi = b >> 16u;
  let hiLo = a_hi * bLo;
  let loHi = a_lo * bHi;
  let cross = ((a_lo * bLo) >> 16u) + (hiLo & 0xffffu) + (loHi & 0xffffu);
  return a_hi * bHi + (hiLo >> 16u) + (loHi >> 16u) + (cross >> 16u);
}

// One Philox round with its round key.
fn philox_round(x: vec4<u32>, k0: u32, k1: u32) -> vec4<u32> {
  return vec4<u32>(mulhi_halves(0xcd9eu, 0x8d57u, x.z) ^ x.y ^ k0, 0xcd9e8d57u * x.z, mulhi_halves(0xd251u, 0x1f53u, x.x) ^ x.w ^ k1, 0xd2511f53u * x.x);
}

fn philox4x32(counter: vec4<u32>, key: vec2<u32>) -> vec4<u32> {
  var x = counter;
  x = philox_round(x, key.x + 0x00000000u, key.y + 0x00000000u);
  x = philox_round(x, key.x + 0x9e3779b9u, key.y + 0xbb67ae85u);
  x = philox_round(x, key.x + 0x3c6ef372u, key.y + 0x76cf5d0au);
  x = philox_round(x, key.x + 0xdaa66d2bu, key.y + 0x32370b8fu);
  x = philox_round(x, key.x + 0x78dde6e4u, key.y + 0xed9eba14u);
  x = philox_round(x, key.x + 0x1715609du, key.y + 0xa9066899u);
  x = philox_round(x, key.x + 0xb54cda56u, key.y + 0x646e171eu);
  x = philox_round(x, key.x + 0x5384540fu, key.y + 0x1fd5c5a3u);
  x = philox_round(x, key.x + 0xf1bbcdc8u, key.y + 0xdb3d7428u);
  x = philox_round(x, key.x + 0x8ff34781u, key.y + 0x96a522adu);
  return x;
}
