// Materialised path, step 1: one layer's weights and biases for every sample of a chunk into
// weights[s][layer slot], w = (loc + scale * eps) * mask(input). One thread per Philox block
// (4 consecutive elements of the layer's flat [W, b] space). Constants: STREAM, SLOT (floats per
// sample), DST (the layer's offset in a slot), MASK_STRIDE, MASK_OFFSET. Define: HAS_MASK.
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let blocks = (PARAM_COUNT + 3u) / 4u;
  let t = flat_index(gid, groups);
  let s = t / blocks;
  let block_index = t % blocks;
  if (s >= chunk.sampleCount) {
    return;
  }
  let eps = normals4(block_index, chunk.sampleOffset + s, STREAM, seed_key());
  for (var lane = 0u; lane < 4u; lane++) {
    let e = block_index * 4u + lane;
    if (e < PARAM_COUNT) {
      // Padded layout: W row j at j * IN_P, biases after OUT_P rows.
      let at = select(OUT_P * IN_P + e - WEIGHT_COUNT, (e / IN) * IN_P + e % IN, e < WEIGHT_COUNT);
#if HAS_MASK
      weights[s * SLOT + DST + at] = (param_loc(e) + param_scale(e) * eps[lane]) * select(1.0, masks[s * MASK_STRIDE + MASK_OFFSET + e % IN], e < WEIGHT_COUNT);
#else
      weights[s * SLOT + DST + at] = (param_loc(e) + param_scale(e) * eps[lane]) * 1.0;
#endif
    }
  }
}
