// The data term of a likelihood without a noise scale (src/objective/index.ts, LIKELIHOODS), the
// f32 twin of src/reference/train/likelihood-term.ts: row_nll(m, k, b, w) returns row b's
// −log p(y | f) at the outputs f of (model m, K-sample k) and writes w × its gradient over f into
// dh. One define picks the likelihood: LIK_CATEGORICAL (K logits; log Σ exp f − f_y, gradient
// softmax − onehot), LIK_BERNOULLI (one logit; softplus(f) − y f, gradient sigmoid − y), LIK_BETA
// (α = softplus(f_0) + c, β = softplus(f_1) + c), LIK_DIRICHLET (α_k = softplus(f_k) + c).
// Constants: TY (targets per row), OUTPUT_UNITS, MIN_CONCENTRATION (c). Needs lib/math,
// train/outputs.

// ψ(x) for x > 0: ψ(x) = ψ(x + 1) − 1/x up to x >= 6, then the asymptotic series.
fn digamma_positive(x0: f32) -> f32 {
  var x = x0;
  var acc = 0.0;
  while (x < 6.0) {
    acc = acc - 1.0 / x;
    x = x + 1.0;
  }
  let inv = 1.0 / x;
  let inv2 = inv * inv;
  return acc + log(x) - 0.5 * inv - inv2 * (1.0 / 12.0 - inv2 * (1.0 / 120.0 - inv2 / 252.0));
}

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
  var top = net_out(m, k, b, 0u);
  for (var j = 1u; j < OUTPUT_UNITS; j++) {
    top = max(top, net_out(m, k, b, j));
  }
  var sum = 0.0;
  for (var j = 0u; j < OUTPUT_UNITS; j++) {
    sum = sum + exp(net_out(m, k, b, j) - top);
  }
  let lse = top + log(sum);
  for (var j = 0u; j < OUTPUT_UNITS; j++) {
    let p = exp(net_out(m, k, b, j) - lse);
    set_d_out(m, k, b, j, w * (p - select(0.0, 1.0, j == label)));
  }
  return lse - net_out(m, k, b, label);
#elif LIK_BERNOULLI
  let f = net_out(m, k, b, 0u);
  let y = row_target(m, b, 0u);
  set_d_out(m, k, b, 0u, w * (sigmoid(f) - y));
  return softplus(f) - y * f;
#elif LIK_BETA
  let y = row_target(m, b, 0u);
  let f0 = net_out(m, k, b, 0u);
  let f1 = net_out(m, k, b, 1u);
  let a = softplus(f0) + MIN_CONCENTRATION;
  let c = softplus(f1) + MIN_CONCENTRATION;
  let log_y = log(y);
  let log_1my = log(1.0 - y);
  let psi_sum = digamma_positive(a + c);
  set_d_out(m, k, b, 0u, w * (digamma_positive(a) - psi_sum - log_y) * sigmoid(f0));
  set_d_out(m, k, b, 1u, w * (digamma_positive(c) - psi_sum - log_1my) * sigmoid(f1));
  return lgamma(a) + lgamma(c) - lgamma(a + c) - (a - 1.0) * log_y - (c - 1.0) * log_1my;
#elif LIK_DIRICHLET
  var total = 0.0;
  var nll = 0.0;
  for (var j = 0u; j < OUTPUT_UNITS; j++) {
    let a = softplus(net_out(m, k, b, j)) + MIN_CONCENTRATION;
    total = total + a;
    nll = nll + lgamma(a) - (a - 1.0) * log(row_target(m, b, j));
  }
  let psi_total = digamma_positive(total);
  for (var j = 0u; j < OUTPUT_UNITS; j++) {
    let f = net_out(m, k, b, j);
    set_d_out(m, k, b, j, w * (digamma_positive(softplus(f) + MIN_CONCENTRATION) - psi_total - log(row_target(m, b, j))) * sigmoid(f));
  }
  return nll - lgamma(total);
#else
  return 0.0;
#endif
}
