// Exposes the WGSL random library for checking against its TypeScript twin (test/support/rng-probe.ts):
// for each entry (4 counter words) the raw Philox words, the 4 normals of that block (counter words
// 0..2 as block, sample, stream), a Gamma(concentration) draw for sample = counter word 1, and
// lgamma of counter word 3's bits. Needs lib/random and lib/math.
// probe_in: [count, key0, key1, concentration bits, then 4 counter words per entry]
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= probe_in[0]) {
    return;
  }
  let key = vec2<u32>(probe_in[1], probe_in[2]);
  let concentration = bitcast<f32>(probe_in[3]);
  let c = vec4<u32>(probe_in[4u + 4u * i], probe_in[5u + 4u * i], probe_in[6u + 4u * i], probe_in[7u + 4u * i]);
  let w = philox4x32(c, key);
  for (var k = 0u; k < 4u; k++) {
    words_out[4u * i + k] = w[k];
  }
  let z = normals4(c.x, c.y, c.z, key);
  for (var k = 0u; k < 4u; k++) {
    normals_out[4u * i + k] = z[k];
  }
  gamma_out[i] = gamma_draw(c.y, key, concentration);
  // lgamma at a positive argument derived from the counter, for the WGSL lgamma check.
  lgamma_out[i] = lgamma(bitcast<f32>(c.w));
}
