// dh of the previous layer = mask * (dz/dh)^T dz of this one, for every (model, K-sample, batch
// slot), stored as that layer's dz (train/prev-grad): W^T dz for a shared weight draw or θ; local
// reparameterisation (define LOCAL) adds eps_j s_ji^2 h_i / sd_j; Flipout (define FLIPOUT) adds
// r_j (s E)_ji q_i. Constants: IN, OUT, ACT_OFFSET, PREV_ACT_OFFSET, MASK_OFFSET. Define: DROPOUT.
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
  let prev = PREV_ACT_OFFSET + ((m * K + k) * B + b) * IN;
  for (var i = 0u; i < IN; i++) {
#if LOCAL
    let hi = h[prev + i];
#endif
    var acc = 0.0;
    for (var j = 0u; j < OUT; j++) {
#if LOCAL
      let d_in = loc_at(m, j, i) + lr_eps[base + j] * std_at(m, j, i) * std_at(m, j, i) * hi / lr_sd[base + j];
#elif FLIPOUT
      let d_in = loc_at(m, j, i) + flip_out(m, k, b, j) * delta_at(m, k, j, i) * flip_in(m, k, b, i);
#else
      let d_in = weight_at(m, k, j, i);
#endif
      acc = acc + d_in * dz[base + j];
    }
    store_prev_grad(m, k, b, i, acc);
  }
}
