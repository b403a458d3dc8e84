// Materialised path, step 1: one layer's weights and biases for every sample of a chunk into
// weights[s][layer slot], w = (loc + scale * eps) * mask(input). One thread per BLOCKS_PER_THREAD (4)
// Philox blocks (16 consecutive elements of the layer's flat [W, b] space; each block's 4 normals go to its 4
// elements): on SwiftShader a thread's fixed cost is tens of ns, and 4 blocks a thread with a
// straight path for a block inside one weight row (no division per element) took B of the peer
// workload's weight draws from about 1.88 to 1.74 s. Constants: STREAM, SLOT (floats per sample),
// DST (the layer's offset in a slot), MASK_STRIDE, MASK_OFFSET, BLOCKS_PER_THREAD. Define: HAS_MASK.

// Element e of the flat [W, b] space with its normal, in the padded layout (W row j at j * IN_P,
// biases after OUT_P rows).
fn put(s: u32, e: u32, eps: f32) {
  let at = select(OUT_P * IN_P + e - WEIGHT_COUNT, (e / IN) * IN_P + e % IN, e < WEIGHT_COUNT);
#if HAS_MASK
  weights[s * SLOT + DST + at] = (param_loc(e) + param_scale(e) * eps) * select(1.0, masks[s * MASK_STRIDE + MASK_OFFSET + e % IN], e < WEIGHT_COUNT);
#else
  weights[s * SLOT + DST + at] = (param_loc(e) + param_scale(e) * eps) * 1.0;
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
  for (var bi = 0u; bi < BLOCKS_PER_THREAD; bi++) {
    let block_index = g * BLOCKS_PER_THREAD + bi;
    if (block_index < blocks) {
      let eps = normals4(block_index, gs, STREAM, key);
      let e0 = block_index * 4u;
#if !HAS_MASK
#if WEIGHT_NORMAL
      if (e0 + 3u < WEIGHT_COUNT && e0 % IN + 3u < IN) {
        let at = s * SLOT + DST + (e0 / IN) * IN_P + e0 % IN;
        weights[at] = params[W_LOC + e0] + params[W_SCALE + e0] * eps.x;
        weights[at + 1u] = params[W_LOC + e0 + 1u] + params[W_SCALE + e0 + 1u] * eps.y;
        weights[at + 2u] = params[W_LOC + e0 + 2u] + params[W_SCALE + e0 + 2u] * eps.z;
        weights[at + 3u] = params[W_LOC + e0 + 3u] + params[W_SCALE + e0 + 3u] * eps.w;
        continue;
      }
#endif
#endif
      for (var lane = 0u; lane < 4u; lane++) {
        let e = e0 + lane;
        if (e < PARAM_COUNT) {
          put(s, e, eps[lane]);
        }
      }
    }
  }
}
