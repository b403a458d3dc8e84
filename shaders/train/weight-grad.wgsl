// A layer's parameter gradients, one thread per (model, parameter element e: W row-major, then b,
// then PReLU slopes): Σ over K-samples and valid batch slots of dz x input, plus, for 'vi', the
// derivative in the posterior std s, by estimator (src/objective/index.ts, VI ESTIMATORS): shared
// draw dz x eps; local (define LOCAL) dz eps_j s x^2 / sd_j; Flipout (define FLIPOUT)
// dz r_j q_i x E (bias: dz E). train/param-grad adds the regulariser. Constants: IN, OUT, COUNT
// (elements per model), WEIGHT_COUNT, ACT_OFFSET, DRAWN_OFFSET. Defines: METHOD_VI, ACT_PRELU.
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let t = flat_index(gid, groups);
  if (t >= M * COUNT) {
    return;
  }
  let m = t / COUNT;
  let e = t % COUNT;
#if ACT_PRELU
  if (e >= WEIGHT_COUNT + OUT) {
    store_prelu_slope_grad(m, e - (WEIGHT_COUNT + OUT));
    return;
  }
#endif
  let is_weight = e < WEIGHT_COUNT;
  let j = select(e - WEIGHT_COUNT, e / IN, is_weight);
  let i = e % IN;
#if LOCAL
  let rho = theta[m * P + rho_index(e)];
#endif
  var g_loc = 0.0;
  var g_s = 0.0;
  for (var k = 0u; k < K; k++) {
    var g = 0.0;
    var g_std = 0.0;
    for (var b = 0u; b < B; b++) {
      if (valid[m * B + b] == 0.0) {
        continue;
      }
      let at = ACT_OFFSET + ((m * K + k) * B + b) * OUT + j;
      let d = dz[at];
      let x_in = select(1.0, input_at(m, k, b, i), is_weight);
      g = g + d * x_in;
#if LOCAL
      g_std = g_std + d * lr_eps[at] * x_in * x_in / lr_sd[at];
#elif FLIPOUT
      g_std = g_std + select(d, d * flip_out(m, k, b, j) * flip_in(m, k, b, i) * x_in, is_weight);
#endif
    }
    g_loc = g_loc + g;
#if LOCAL
    g_s = g_s + g_std * softplus(rho);
#elif FLIPOUT
    g_s = g_s + g_std * eps[(m * K + k) * PW + DRAWN_OFFSET + e];
#elif METHOD_VI
    g_s = g_s + g * eps[(m * K + k) * PW + DRAWN_OFFSET + e];
#endif
  }
  store_param_grad(m, e, g_loc, g_s);
}
