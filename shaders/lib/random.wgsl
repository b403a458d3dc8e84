// Uniforms, normals and Gamma draws from Philox words: the twin of src/random/streams.ts and
// src/random/draws.ts. Uniforms use the top 24 bits of a word, so f32 and f64 see the same value.
// Needs lib/philox and the constants STREAM_NOISE and GAMMA_MAX_ATTEMPTS.
const TWO_PI: f32 = 6.283185307179586;
const PI: f32 = 3.141592653589793;

fn uniform_open_closed(w: u32) -> f32 {
  return f32((w >> 8u) + 1u) * 5.9604644775390625e-8;
}

fn uniform_closed_open(w: u32) -> f32 {
  return f32(w >> 8u) * 5.9604644775390625e-8;
}

fn box_muller(a: u32, b: u32) -> vec2<f32> {
  let r = sqrt(-2.0 * log(uniform_open_closed(a)));
  // [-pi, pi): the range on which WGSL bounds the error of sin/cos.
  let theta = TWO_PI * uniform_closed_open(b) - PI;
  return vec2<f32>(r * cos(theta), r * sin(theta));
}

/** normals4 with the 4th counter word given (training uses model + 1). */
fn normals4w(block_index: u32, sample_index: u32, stream: u32, word3: u32, key: vec2<u32>) -> vec4<f32> {
  let w = philox4x32(vec4<u32>(block_index, sample_index, stream, word3), key);
  let p = box_muller(w.x, w.y);
  let q = box_muller(w.z, w.w);
  return vec4<f32>(p.x, p.y, q.x, q.y);
}

/** The 4 normals of block 'block' of (sample, stream): elements 4*block .. 4*block+3. */
fn normals4(block_index: u32, sample_index: u32, stream: u32, key: vec2<u32>) -> vec4<f32> {
  return normals4w(block_index, sample_index, stream, 0u, key);
}

/** Standard normal for a sample's LogNormal sigma: block 0 of the noise stream, cos branch. */
fn noise_normal(sample_index: u32, key: vec2<u32>) -> f32 {
  let w = philox4x32(vec4<u32>(0u, sample_index, STREAM_NOISE, 0u), key);
  return box_muller(w.x, w.y).x;
}

/** Gamma(concentration, 1) by Marsaglia-Tsang, attempt k on block k of the noise stream. */
fn gamma_draw(sample_index: u32, key: vec2<u32>, concentration: f32) -> f32 {
  let boost = concentration < 1.0;
  let a = select(concentration, concentration + 1.0, boost);
  let d = a - 1.0 / 3.0;
  let c = 1.0 / sqrt(9.0 * d);
  for (var k = 0u; k < GAMMA_MAX_ATTEMPTS; k++) {
    let w = philox4x32(vec4<u32>(k, sample_index, STREAM_NOISE, 0u), key);
    let x = box_muller(w.x, w.y).x;
    let t = 1.0 + c * x;
    if (t <= 0.0) {
      continue;
    }
    let v = t * t * t;
    let u = uniform_open_closed(w.z);
    if (log(u) < 0.5 * x * x + d - d * v + d * log(v)) {
      let g = d * v;
      if (boost) {
        return g * pow(uniform_open_closed(w.w), 1.0 / concentration);
      }
      return g;
    }
  }
  return d;
}
