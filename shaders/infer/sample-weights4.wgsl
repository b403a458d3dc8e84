// sample_weights (infer/sample-weights) for a layer whose inputs are a multiple of 4, in vec4s:
// then every Philox block of 4 weights is 4 consecutive inputs of one unit's row, so its locs and
// scales are one vec4 load each (layout tensors start on 4-float boundaries) and its weights one
// vec4 store; the bias blocks go element by element. On SwiftShader every storage access is a
// per-lane operation, so a quarter as many pays. Same values as infer/sample-weights. `params`
// and `weights` are bound as vec4 arrays here. Constants: STREAM, SLOT, DST, MASK_STRIDE,
// MASK_OFFSET, BLOCKS_PER_THREAD and the layer's (layerConsts). Defines: HAS_MASK, WEIGHT_NORMAL,
// BIAS_NORMAL.
fn param_scalar(i: u32) -> f32 {
  return params[i / 4u][i % 4u];
}

// Bias j (element WEIGHT_COUNT + j) drawn with its normal.
fn bias_draw(j: u32, eps: f32) -> f32 {
#if BIAS_NORMAL
  return param_scalar(B_LOC + j) + param_scalar(B_SCALE + j) * eps;
#else
  return param_scalar(B_LOC + j);
#endif
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let blocks = (PARAM_COUNT + 3u) / 4u;
  let groups_per_sample = (blocks + BLOCKS_PER_THREAD - 1u) / BLOCKS_PER_THREAD;
  let t = flat_index(gid, groups);
  let s = t / groups_per_sample;
  let g = t % groups_per_sample;
  if (s >= chunk.sampleCount) {
    return;
  }
  let key = seed_key();
  let gs = chunk.sampleOffset + s;
  let slot = s * SLOT + DST;
  for (var bi = 0u; bi < BLOCKS_PER_THREAD; bi++) {
    let block_index = g * BLOCKS_PER_THREAD + bi;
    if (block_index >= blocks) {
      break;
    }
    let eps = normals4(block_index, gs, STREAM, key);
    let e0 = block_index * 4u;
    if (e0 < WEIGHT_COUNT) {
      let i = e0 % IN;
#if WEIGHT_NORMAL
      var w = params[(W_LOC + e0) / 4u] + params[(W_SCALE + e0) / 4u] * eps;
#else
      var w = params[(W_LOC + e0) / 4u];
#endif
#if HAS_MASK
      let m = s * MASK_STRIDE + MASK_OFFSET + i;
      w = w * vec4<f32>(masks[m], masks[m + 1u], masks[m + 2u], masks[m + 3u]);
#endif
      weights[(slot + (e0 / IN) * IN_P + i) / 4u] = w;
    } else {
      // Biases past the layer's last unit stay 0 (the padded units' bias).
      let j = e0 - WEIGHT_COUNT;
      var b = vec4<f32>(0.0);
      for (var c = 0u; c < 4u; c++) {
        if (j + c < OUT) {
          b[c] = bias_draw(j + c, eps[c]);
        }
      }
      weights[(slot + OUT_P * IN_P + j) / 4u] = b;
    }
  }
}
