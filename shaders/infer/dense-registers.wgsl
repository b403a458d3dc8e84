// Fused, weights in registers: one thread per (sample, tile of TILE inputs) draws each weight row
// into a private array once and applies it to every input of its tile. Nothing touches workgroup
// memory (slow on CPU rasterisers such as SwiftShader); weights are redrawn once per input tile, so
// fewer, larger tiles trade parallelism for RNG work. Constants: STREAM, TILE, MASK_STRIDE,
// MASK_OFFSET. Defines: RANDOM, HAS_MASK.
fn draw(e: u32, eps: vec4<f32>) -> f32 {
#if RANDOM
  return param_loc(e) + param_scale(e) * eps[e % 4u];
#else
  return param_loc(e);
#endif
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let tiles = (chunk.nCount + TILE - 1u) / TILE;
  let t = flat_index(gid, groups);
  let s = t / tiles;
  let n0 = (t % tiles) * TILE;
  if (s >= chunk.sampleCount) {
    return;
  }
  let n1 = min(n0 + TILE, chunk.nCount);
  let gs = chunk.sampleOffset + s;
  let key = seed_key();
  var w: array<f32, IN>;
  var eps = vec4<f32>(0.0);
  for (var j = 0u; j < OUT; j++) {
    let row = j * IN;
    for (var i = 0u; i < IN; i++) {
      let e = row + i;
#if RANDOM
      if (i == 0u || e % 4u == 0u) {
        eps = normals4(e / 4u, gs, STREAM, key);
      }
#endif
#if HAS_MASK
      w[i] = draw(e, eps) * masks[s * MASK_STRIDE + MASK_OFFSET + i];
#else
      w[i] = draw(e, eps) * 1.0;
#endif
    }
    let eb = WEIGHT_COUNT + j;
#if RANDOM
    let bias = draw(eb, normals4(eb / 4u, gs, STREAM, key));
#else
    let bias = param_loc(eb);
#endif
    for (var n = n0; n < n1; n++) {
      let in_base = input_base(s, n);
      var acc = bias;
      for (var i = 0u; i < IN; i++) {
        acc = acc + w[i] * layer_in[in_base + i];
      }
      layer_out[(s * chunk.nCount + n) * OUT_P + j] = finish_unit(acc, j);
    }
  }
}
