// The data term of a likelihood without a noise scale (src/objective/index.ts, LIKELIHOODS), the
// f32 twin of src/reference/train/likelihood-term.ts: row_nll(m, k, b, w) returns row b's
// −log p(y | f) at the outputs f of (model m, K-sample k) and writes w × its gradient over f into
// dh, by the likelihood maths of lib/likelihood (and lib/likelihood-classes with CLASSES = K for
// categorical and dirichlet). One define picks the likelihood: LIK_CATEGORICAL (K logits),
// LIK_BERNOULLI (one logit), LIK_BETA (α then β through softplus + c), LIK_DIRICHLET (K
// concentrations through softplus + c). Constants: TY (targets per row), OUTPUT_UNITS,
// MIN_CONCENTRATION (c). Needs train/outputs.

fn row_target(m: u32, b: u32, j: u32) -> f32 {
  return yb[(m * B + b) * TY + j];
}

// Zero gradient at every output of a row outside the step.
fn clear_d_out(m: u32, k: u32, b: u32) {
  for (var j = 0u; j < OUTPUT_UNITS; j++) {
    set_d_out(m, k, b, j, 0.0);
  }
}

fn row_nll(m: u32, k: u32, b: u32, w: f32) -> f32 {
#if LIK_CATEGORICAL
  let label = u32(row_target(m, b, 0u));
  var f: array<f32, CLASSES>;
  for (var j = 0u; j < CLASSES; j++) {
    f[j] = net_out(m, k, b, j);
  }
  var g = categorical_nll_grad(f, label);
  for (var j = 0u; j < CLASSES; j++) {
    set_d_out(m, k, b, j, w * g[j]);
  }
  return -categorical_log_lik(f, label);
#elif LIK_BERNOULLI
  let f = net_out(m, k, b, 0u);
  let y = row_target(m, b, 0u);
  set_d_out(m, k, b, 0u, w * bernoulli_nll_grad(f, y));
  return -bernoulli_log_lik(f, y);
#elif LIK_BETA
  let y = row_target(m, b, 0u);
  let f0 = net_out(m, k, b, 0u);
  let f1 = net_out(m, k, b, 1u);
  let g = beta_nll_grad(f0, f1, y, MIN_CONCENTRATION);
  set_d_out(m, k, b, 0u, w * g.x);
  set_d_out(m, k, b, 1u, w * g.y);
  return -beta_log_lik(f0, f1, y, MIN_CONCENTRATION);
#elif LIK_DIRICHLET
  var f: array<f32, CLASSES>;
  var y: array<f32, CLASSES>;
  for (var j = 0u; j < CLASSES; j++) {
    f[j] = net_out(m, k, b, j);
    y[j] = row_target(m, b, j);
  }
  var g = dirichlet_nll_grad(f, y, MIN_CONCENTRATION);
  for (var j = 0u; j < CLASSES; j++) {
    set_d_out(m, k, b, j, w * g[j]);
  }
  return -dirichlet_log_lik(f, y, MIN_CONCENTRATION);
#else
  return 0.0;
#endif
}
