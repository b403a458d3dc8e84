// Marginal path (local reparameterisation): each pre-activation is drawn per input from
// N(sum_i loc_ji h_i + loc_bj, sum_i scale_ji^2 h_i^2 + scale_bj^2). One thread per (sample, input)
// computes all units. Element e = (global input) * OUT + unit, so draws depend on the global input,
// not the chunk; a Philox block straddling two inputs is drawn by both threads and each keeps its
// own lanes. Constants: STREAM (the layer's marginal stream), MASK_STRIDE, MASK_OFFSET. Define:
// HAS_MASK.
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let t = flat_index(gid, groups);
  let s = t / chunk.nCount;
  let n = t % chunk.nCount;
  if (s >= chunk.sampleCount) {
    return;
  }
  let gs = chunk.sampleOffset + s;
  let key = seed_key();
  let in_base = input_base(s, n);
  let out_base = (s * chunk.nCount + n) * OUT_P;
  let e0 = (chunk.nOffset + n) * OUT;
  var eps = normals4(e0 / 4u, gs, STREAM, key);
  for (var j = 0u; j < OUT; j++) {
    let e = e0 + j;
    if (j > 0u && e % 4u == 0u) {
      eps = normals4(e / 4u, gs, STREAM, key);
    }
    var mu = param_loc(WEIGHT_COUNT + j);
    let bias_scale = param_scale(WEIGHT_COUNT + j);
    var variance = bias_scale * bias_scale;
    for (var i = 0u; i < IN; i++) {
#if HAS_MASK
      let h = layer_in[in_base + i] * masks[s * MASK_STRIDE + MASK_OFFSET + i];
#else
      let h = layer_in[in_base + i];
#endif
      mu = mu + param_loc(j * IN + i) * h;
      let sh = param_scale(j * IN + i) * h;
      variance = variance + sh * sh;
    }
    layer_out[out_base + j] = finish_unit(mu + sqrt(variance) * eps[e % 4u], j);
  }
}
