// One dense layer over materialised weights with the inputs in vec4 lanes: one thread per (sample,
// run of INPUTS inputs, block of 4 * UNIT_QUADS units); lane c of input quad g is input
// n0 + 4g + c, each unit's accumulator its own variable, so a vec4 weight load (4 inputs of one
// unit's row) feeds 4 vec4 multiply-adds per quad. The generated statements
// (src/kernels/infer/dense-lanes.ts) enter at the #insert points. Constants: SLOT4, DST4 (vec4
// offsets of the sample's slot and the layer in it), IN4, OUT4, INPUTS, UNIT_QUADS, BLOCKS (unit
// blocks of a layer). Needs infer/dense-finish4.
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let runs = (chunk.nCount + INPUTS - 1u) / INPUTS;
  let t = flat_index(gid, groups);
  let s = t / (runs * BLOCKS);
  let rest = t % (runs * BLOCKS);
  let n0 = (rest / BLOCKS) * INPUTS;
  let q0 = (rest % BLOCKS) * UNIT_QUADS;
  if (s >= chunk.sampleCount) {
    return;
  }
  // Lanes past the chunk's last input read the last row (valid) and are not written; units past
  // the layer's last read its last row and are not written.
  let last = chunk.nCount - 1u;
#insert INPUT_ROWS
  let w_base = s * SLOT4 + DST4;
  let b_base = w_base + OUT_P * IN4;
#insert BLOCK
#insert STORE
}
