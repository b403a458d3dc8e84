// Register-blocked batched matmul over materialised weights: one thread per (sample, block of NI
// inputs) computes NI x 4*JQ outputs from vec4 loads, reusing every loaded weight across its inputs
// and every input across its units (on SwiftShader loads dominate: a scalar dot loop ran at
// 0.1 GFLOP/s, 4x4 vec4 blocks at 0.4-0.65). The unrolled block statements enter at the #insert
// points (src/kernels/infer/dense-materialized.ts writes them for the blocking NI x JQ). Constants:
// SLOT4, DST4 (vec4 offsets of the sample's slot and the layer in it), IN4, OUT4, NI, JQ. Needs
// infer/dense-finish4.
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let blocks = (chunk.nCount + NI - 1u) / NI;
  let t = flat_index(gid, groups);
  let s = t / blocks;
  let n0 = (t % blocks) * NI;
  if (s >= chunk.sampleCount) {
    return;
  }
  // Rows past the chunk's last input read the last row (valid) and are not written.
#insert INPUT_ROWS
  let w_base = s * SLOT4 + DST4;
  let b_base = w_base + OUT_P * IN4;
  for (var jb = 0u; jb < OUT4; jb += JQ) {
#insert BLOCK_SETUP
    for (var i = 0u; i < IN4; i++) {
#insert BLOCK_BODY
    }
#insert BLOCK_STORE
  }
}
