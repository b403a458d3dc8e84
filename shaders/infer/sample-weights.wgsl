// Materialised path, step 1: one layer's weights and biases for every sample of a chunk into
// weights[s][layer slot], w = (loc + scale * eps) * mask(input). One thread per (Philox block,
// SAMPLES_PER_THREAD consecutive samples): a block's 4 normals go to 4 consecutive elements of the
// layer's flat [W, b] space, and its locs, scales and destinations do not depend on the sample, so
// a thread loads them once and then draws the block for each of its samples (on SwiftShader a vec4
// load costs about a third of a Philox block, and an invocation's fixed cost tens of ns: B's draws
// took 1.18 s with 4 blocks of one sample a thread, 0.61 s with 32 samples of one block).
// Define VEC4_ROWS (the layer's inputs are a multiple of 4): a weight block is one row's 4
// consecutive inputs, so its locs and scales are one vec4 load each (layout tensors start on
// 4-float boundaries) and its weights one vec4 store, and `params` and `weights` are bound as vec4
// arrays; else element by element. Constants: STREAM, SLOT (floats per sample), DST (the layer's
// offset in a slot), MASK_STRIDE, MASK_OFFSET, SAMPLES_PER_THREAD and the layer's. Defines:
// HAS_MASK, VEC4_ROWS (and the layer's).
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

// The 4 biases of block e0 / 4 (past the weights; WEIGHT_COUNT is a multiple of 4) of the sample
// whose slot starts at `slot`. Biases past the layer's last unit stay 0 (the padded units' bias).
fn draw_bias_block(slot: u32, e0: u32, eps: vec4<f32>) {
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
// Where element e of the flat [W, b] space goes in a sample's padded slot (W row j at j * IN_P,
// biases after OUT_P rows).
fn element_at(e: u32) -> u32 {
  return select(OUT_P * IN_P + e - WEIGHT_COUNT, (e / IN) * IN_P + e % IN, e < WEIGHT_COUNT);
}

#if HAS_MASK
// The dropout mask element e is multiplied by in sample s: its input's mask for a weight, 1 for a bias.
fn element_mask(s: u32, e: u32) -> f32 {
  return select(1.0, masks[s * MASK_STRIDE + MASK_OFFSET + e % IN], e < WEIGHT_COUNT);
}
#endif
#endif

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let blocks = (PARAM_COUNT + 3u) / 4u;
  let t = flat_index(gid, groups);
  let s0 = (t / blocks) * SAMPLES_PER_THREAD;
  let block_index = t % blocks;
  if (s0 >= chunk.sampleCount) {
    return;
  }
  let key = seed_key();
  let e0 = block_index * 4u;
  let gs0 = chunk.sampleOffset + s0;
  let sample_count = min(SAMPLES_PER_THREAD, chunk.sampleCount - s0);
#if VEC4_ROWS
  if (e0 < WEIGHT_COUNT) {
    let i = e0 % IN;
    let at = DST + (e0 / IN) * IN_P + i;
    let loc = params[(W_LOC + e0) / 4u];
#if WEIGHT_NORMAL
    let scale = params[(W_SCALE + e0) / 4u];
#endif
    for (var k = 0u; k < sample_count; k++) {
      let s = s0 + k;
#if WEIGHT_NORMAL
      var w = loc + scale * normals4(block_index, gs0 + k, STREAM, key);
#else
      var w = loc;
#endif
#if HAS_MASK
      let m = s * MASK_STRIDE + MASK_OFFSET + i;
      w = w * vec4<f32>(masks[m], masks[m + 1u], masks[m + 2u], masks[m + 3u]);
#endif
      weights[(s * SLOT + at) / 4u] = w;
    }
    return;
  }
  for (var k = 0u; k < sample_count; k++) {
    draw_bias_block((s0 + k) * SLOT + DST, e0, normals4(block_index, gs0 + k, STREAM, key));
  }
#else
  // A block's last lanes may lie past the layer's last element: they read the last element (valid)
  // and are not stored.
  let lanes = min(4u, PARAM_COUNT - e0);
  let e = min(vec4<u32>(e0, e0 + 1u, e0 + 2u, e0 + 3u), vec4<u32>(PARAM_COUNT - 1u));
  let loc = vec4<f32>(param_loc(e.x), param_loc(e.y), param_loc(e.z), param_loc(e.w));
  let scale = vec4<f32>(param_scale(e.x), param_scale(e.y), param_scale(e.z), param_scale(e.w));
  let at = DST + vec4<u32>(element_at(e.x), element_at(e.y), element_at(e.z), element_at(e.w));
  for (var k = 0u; k < sample_count; k++) {
    let s = s0 + k;
    var w = loc + scale * normals4(block_index, gs0 + k, STREAM, key);
#if HAS_MASK
    w = w * vec4<f32>(element_mask(s, e.x), element_mask(s, e.y), element_mask(s, e.z), element_mask(s, e.w));
#endif
    let slot = s * SLOT;
    weights[slot + at.x] = w.x;
    if (lanes > 1u) {
      weights[slot + at.y] = w.y;
    }
    if (lanes > 2u) {
      weights[slot + at.z] = w.z;
    }
    if (lanes > 3u) {
      weights[slot + at.w] = w.w;
    }
  }
#endif
}
