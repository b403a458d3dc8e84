// dz = dh * act'(z) of a layer for every (model, K-sample, batch slot). Constants: OUT, ACT_OFFSET.
// Define STORE_Z: the forward pass stored z; else h stands in for it (layer.ts needsPreActivation).
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
  for (var j = 0u; j < OUT; j++) {
#if STORE_Z
    let zz = z[base + j];
#else
    let zz = h[base + j];
#endif
    let hh = h[base + j];
    dz[base + j] = dh[base + j] * activate_grad(zz, hh, unit_slope(m, j));
  }
}
