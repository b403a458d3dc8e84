// A layer's forward pass for every (model, K-sample, batch slot): pre-activations z and outputs h.
// The pre-activation by estimator (src/objective/index.ts, VI ESTIMATORS): local reparameterisation
// (define LOCAL: z = mu + sqrt(v) eps, eps and sqrt(v) kept for the backward pass), Flipout (define
// FLIPOUT: the shared perturbation decorrelated by sign flips), else a weight draw shared by the
// batch or θ itself (train/weights). Constants: OUT, ACT_OFFSET, BIAS_OFFSET, BIAS_RHO_OFFSET,
// STREAM (LOCAL: the layer's marginal stream). Define STORE_Z: keep z (layer.ts needsPreActivation).
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
  let out_base = ACT_OFFSET + ((m * K + k) * B + b) * OUT;
  for (var j = 0u; j < OUT; j++) {
#if LOCAL
    let bias_std = softplus(theta[m * P + BIAS_RHO_OFFSET + j]);
    var mu = theta[m * P + BIAS_OFFSET + j];
    var v = bias_std * bias_std;
    for (var i = 0u; i < IN; i++) {
      let hi = input_at(m, k, b, i);
      let sd = std_at(m, j, i);
      mu = mu + loc_at(m, j, i) * hi;
      v = v + sd * sd * hi * hi;
    }
    let e = b * OUT + j;
    let noise = normals4w(e / 4u, model_step(m) * K + k, STREAM, model_word(m), seed_key())[e % 4u];
    let sd_z = sqrt(v);
    lr_eps[out_base + j] = noise;
    lr_sd[out_base + j] = sd_z;
    let acc = mu + sd_z * noise;
#elif FLIPOUT
    var acc = bias_at(m, k, j);
    var flipped = 0.0;
    for (var i = 0u; i < IN; i++) {
      let hi = input_at(m, k, b, i);
      acc = acc + loc_at(m, j, i) * hi;
      flipped = flipped + delta_at(m, k, j, i) * flip_in(m, k, b, i) * hi;
    }
    acc = acc + flip_out(m, k, b, j) * flipped;
#else
    var acc = bias_at(m, k, j);
    for (var i = 0u; i < IN; i++) {
      acc = acc + weight_at(m, k, j, i) * input_at(m, k, b, i);
    }
#endif
#if STORE_Z
    z[out_base + j] = acc;
#endif
    h[out_base + j] = activate(acc, unit_slope(m, j));
  }
}
