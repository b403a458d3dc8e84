// Materialised path, step 1: one layer's weights and biases for every sample of a chunk into
// weights[s][layer slot], w = (loc + scale * eps) * mask(input). One thread per BLOCKS_PER_THREAD
// (4) Philox blocks; a block's 4 normals go to 4 consecutive elements of the layer's flat [W, b]
// space (on SwiftShader an invocation's fixed cost is tens of ns, so a thread takes several).
// Define VEC4_ROWS (the layer's inputs are a multiple of 4): a weight block is one row's 4
// consecutive inputs, so its locs and scales are one vec4 load each (layout tensors start on
// 4-float boundaries) and its weights one vec4 store, and `params` and `weights` are bound as vec4
// arrays; else element by element, with a straight path for a block inside one row. Constants:
// STREAM, SLOT (floats per sample), DST (the layer's offset in a slot), MASK_STRIDE, MASK_OFFSET,
// BLOCKS_PER_THREAD and the layer's. Defines: HAS_MASK, VEC4_ROWS (and the layer's).
#if VEC4_ROWS
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

// The 4 elements of block e0 / 4 of sample s, whose slot starts at `slot`.
fn draw_block(s: u32, slot: u32, e0: u32, eps: vec4<f32>) {
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
    return;
  }
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
#else
// Element e of the flat [W, b] space with its normal, in the padded layout (W row j at j * IN_P,
// biases after OUT_P rows).
fn put(s: u32, slot: u32, e: u32, eps: f32) {
  let at = select(OUT_P * IN_P + e - WEIGHT_COUNT, (e / IN) * IN_P + e % IN, e < WEIGHT_COUNT);
#if HAS_MASK
  weights[slot + at] = (param_loc(e) + param_scale(e) * eps) * select(1.0, masks[s * MASK_STRIDE + MASK_OFFSET + e % IN], e < WEIGHT_COUNT);
#else
  weights[slot + at] = (param_loc(e) + param_scale(e) * eps) * 1.0;
#endif
}

// The 4 elements of block e0 / 4 of sample s, whose slot starts at `slot`.
fn draw_block(s: u32, slot: u32, e0: u32, eps: vec4<f32>) {
#if !HAS_MASK
#if WEIGHT_NORMAL
  if (e0 + 3u < WEIGHT_COUNT && e0 % IN + 3u < IN) {
    let at = slot + (e0 / IN) * IN_P + e0 % IN;
    weights[at] = params[W_LOC + e0] + params[W_SCALE + e0] * eps.x;
    weights[at + 1u] = params[W_LOC + e0 + 1u] + params[W_SCALE + e0 + 1u] * eps.y;
    weights[at + 2u] = params[W_LOC + e0 + 2u] + params[W_SCALE + e0 + 2u] * eps.z;
    weights[at + 3u] = params[W_LOC + e0 + 3u] + params[W_SCALE + e0 + 3u] * eps.w;
    return;
  }
#endif
#endif
  for (var lane = 0u; lane < 4u; lane++) {
    if (e0 + lane < PARAM_COUNT) {
      put(s, slot, e0 + lane, eps[lane]);
    }
  }
}
#endif

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
  for (var bi = 0u; bi < BLOCKS_PER_THREAD; bi++) {
    let block_index = g * BLOCKS_PER_THREAD + bi;
    if (block_index >= blocks) {
      break;
    }
    draw_block(s, s * SLOT + DST, block_index * 4u, normals4(block_index, gs, STREAM, key));
  }
}
