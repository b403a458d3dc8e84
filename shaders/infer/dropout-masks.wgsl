// Dropout masks of one layer's input for every sample of a chunk:
// masks[s][MASK_OFFSET + i] = keep ? KEEP_SCALE (1 / (1 - p)) : 0, keep when the top 24 bits of
// the unit's Philox word are below KEEP_THRESHOLD. One block gives the words of 4 consecutive
// units. Constants: UNITS, STREAM (the layer's dropout stream), KEEP_THRESHOLD, KEEP_SCALE,
// MASK_OFFSET, MASK_STRIDE.
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let blocks = (UNITS + 3u) / 4u;
  let t = flat_index(gid, groups);
  let s = t / blocks;
  let block_index = t % blocks;
  if (s >= chunk.sampleCount) {
    return;
  }
  let w = philox4x32(vec4<u32>(block_index, chunk.sampleOffset + s, STREAM, 0u), seed_key());
  for (var lane = 0u; lane < 4u; lane++) {
    let i = block_index * 4u + lane;
    if (i < UNITS) {
      masks[s * MASK_STRIDE + MASK_OFFSET + i] = select(0.0, KEEP_SCALE, (w[lane] >> 8u) < KEEP_THRESHOLD);
    }
  }
}
