// The whole network over materialised weights in one kernel: one thread per (sample, run of
// INPUTS inputs) carries them through every layer as vec4 lanes (lane c of quad g = input
// n0 + 4g + c), so each vec4 weight load feeds 4 vec4 FMAs per quad and the hidden activations
// never leave the thread (the layer-by-layer materialised kernels write and re-read them). Each
// unit's accumulator is its own variable (the generated statements unroll the units). Threads of
// a sample are consecutive. The generated statements (src/kernels/infer/dense-network.ts) enter at
// the #insert points. Constants: SLOT4 (vec4s of a sample's weights), X4 (vec4s of an input row),
// OUT4_LAST (vec4s of an output row), INPUTS (inputs per thread, a multiple of 4).
#insert FINISH

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let runs = (chunk.nCount + INPUTS - 1u) / INPUTS;
  let t = flat_index(gid, groups);
  let s = t / runs;
  let n0 = (t % runs) * INPUTS;
  if (s >= chunk.sampleCount) {
    return;
  }
  // Lanes past the chunk's last input read the last row (valid) and are not written.
  let last = chunk.nCount - 1u;
#insert INPUT_ROWS
  let slot = s * SLOT4;
#insert LAYERS
#insert STORE
}
