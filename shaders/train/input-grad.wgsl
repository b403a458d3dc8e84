// The gradient over layer 0's inputs (the standardised x of each batch slot) for adversarial
// training: dx = W_0^T dz_0, written to dx [M, B, IN]. Only the point methods train adversarially
// (no dropout, no draws, K = 1). Constants: IN, OUT, ACT_OFFSET.
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let t = flat_index(gid, groups);
  if (t >= M * K * B) {
    return;
  }
  let m = t / (K * B);
  let k = (t / B) % K;
  let b = t % B;
  if (valid[m * B + b] == 0.0) {
    return;
  }
  let base = ACT_OFFSET + ((m * K + k) * B + b) * OUT;
  for (var i = 0u; i < IN; i++) {
    var acc = 0.0;
    for (var j = 0u; j < OUT; j++) {
      acc = acc + weight_at(m, k, j, i) * dz[base + j];
    }
    dx[(m * B + b) * IN + i] = acc;
  }
}
