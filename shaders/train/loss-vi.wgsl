// 'vi''s step objective for model m over nb rows (src/objective/index.ts, OBJECTIVES):
// (N/nb)(1/K) Σ NLL + KL(weights) + (1/K) Σ_k [log q(σ_k) − log p(σ_k)], returning it / N (the
// reported loss). Its gradient over the outputs goes to dh, over sigma_loc and sigma_rho (and the
// layers' log precisions when hierarchical) to grad. Constants: SIGMA_LOC_OFFSET,
// SIGMA_RHO_OFFSET, SIGMA_PRIOR_CONCENTRATION, SIGMA_PRIOR_RATE, PRECISION_PRIOR_CONCENTRATION,
// PRECISION_PRIOR_RATE, LAYERS and per layer LAYER_INPUTS, LAYER_UNITS, LAYER_WEIGHT,
// LAYER_WEIGHT_RHO, LAYER_BIAS, LAYER_BIAS_RHO. Defines: HIERARCHICAL; SCALE (the Normal with its
// sigma site; otherwise the likelihood's NLL by train/likelihood's row_nll and no sigma); STUDENT
// (with SCALE: y ~ StudentT(df, f, σ_k), train/student-t); HETERO (with SCALE: the heteroscedastic
// head's NLL by train/heteroscedastic, no sigma site and no sigma terms). Needs lib/math, train/prior.
fn kl_normal(mu: f32, s: f32, prior: f32) -> f32 {
  return log(prior / s) + (s * s + mu * mu) / (2.0 * prior * prior) - 0.5;
}

fn model_loss(m: u32, nb: f32, n_total: f32) -> f32 {
  let scale = n_total / nb / f32(K);
  var loss = 0.0;
#if HETERO
#if STUDENT
  var d_log_df = 0.0;
#endif
  for (var k = 0u; k < K; k++) {
    for (var b = 0u; b < B; b++) {
      if (valid[m * B + b] == 0.0) {
        hetero_skip(m, k, b);
        continue;
      }
      let t = hetero_row(m, k, b, scale);
      loss = loss + scale * t.x;
#if STUDENT
      d_log_df = d_log_df + scale * t.y;
#endif
    }
  }
#if STUDENT
  set_df_grad(m, d_log_df);
#endif
#elif SCALE
  var g_mu = 0.0;
  var g_s = 0.0;
  let s_sigma = softplus(theta[m * P + SIGMA_RHO_OFFSET]);
#if STUDENT
  let df = student_df(m);
  var d_log_df = 0.0;
#endif
  for (var k = 0u; k < K; k++) {
    let sigma = sig[2u * (m * K + k)];
    let z_sigma = sig[2u * (m * K + k) + 1u];
    var d_u = 0.0;
    for (var b = 0u; b < B; b++) {
      if (valid[m * B + b] == 0.0) {
        set_d_out(m, k, b, 0u, 0.0);
        continue;
      }
      let f = net_out(m, k, b, 0u);
#if STUDENT
      let t = student_row(yb[m * B + b], f, sigma, df);
      loss = loss + scale * t.x;
      set_d_out(m, k, b, 0u, scale * t.y);
      d_u = d_u + scale * t.z * sigma;
      d_log_df = d_log_df + scale * t.w;
#else
      let r = yb[m * B + b] - f;
      loss = loss + scale * (0.5 * r * r / (sigma * sigma) + log(sigma) + HALF_LOG_TWO_PI);
      set_d_out(m, k, b, 0u, scale * (-r) / (sigma * sigma));
      // d NLL / d log sigma = 1 - r^2 / sigma^2
      d_u = d_u + scale * (1.0 - r * r / (sigma * sigma));
#endif
    }
    // log q(sigma) - log p(sigma) with u = log sigma = mu + s z:
    // log q = -u - log s - 0.5 log 2pi - 0.5 z^2; log p = a log b - lgamma(a) + (a - 1) u - b e^u.
    let u = log(sigma);
    let log_q = -u - log(s_sigma) - HALF_LOG_TWO_PI - 0.5 * z_sigma * z_sigma;
    let log_p = gamma_log_pdf(sigma, SIGMA_PRIOR_CONCENTRATION, SIGMA_PRIOR_RATE);
    loss = loss + (log_q - log_p) / f32(K);
    // d/du of -log p = -(a - 1) + b sigma; log q depends on mu as -1 and on s as -z - 1/s.
    let d_u_total = d_u + (-(SIGMA_PRIOR_CONCENTRATION - 1.0) + SIGMA_PRIOR_RATE * sigma) / f32(K);
    g_mu = g_mu + d_u_total - 1.0 / f32(K);
    g_s = g_s + z_sigma * d_u_total + (-z_sigma - 1.0 / s_sigma) / f32(K);
  }
#if STUDENT
  set_df_grad(m, d_log_df);
#endif
#else
  for (var k = 0u; k < K; k++) {
    for (var b = 0u; b < B; b++) {
      if (valid[m * B + b] == 0.0) {
        clear_d_out(m, k, b);
        continue;
      }
      loss = loss + scale * row_nll(m, k, b, scale);
    }
  }
#endif
  // KL of the Gaussian weights against N(0, prior^2), closed form; with a hierarchical prior the
  // layer's precision lambda = 1/prior^2 is learned under a Gamma hyperprior: the objective adds
  // -log Gamma(lambda | a, b), and d/d log lambda of each KL term is -1/2 + lambda (s^2 + mu^2) / 2.
  for (var l = 0u; l < LAYERS; l++) {
    let prior = prior_std(m, l);
    var second_moment = 0.0;
    for (var e = 0u; e < LAYER_INPUTS[l] * LAYER_UNITS[l]; e++) {
      let mu = theta[m * P + LAYER_WEIGHT[l] + e];
      let s = softplus(theta[m * P + LAYER_WEIGHT_RHO[l] + e]);
      loss = loss + kl_normal(mu, s, prior);
      second_moment = second_moment + s * s + mu * mu;
    }
    for (var e = 0u; e < LAYER_UNITS[l]; e++) {
      let mu = theta[m * P + LAYER_BIAS[l] + e];
      let s = softplus(theta[m * P + LAYER_BIAS_RHO[l] + e]);
      loss = loss + kl_normal(mu, s, prior);
      second_moment = second_moment + s * s + mu * mu;
    }
#if HIERARCHICAL
    let lambda = 1.0 / (prior * prior);
    loss = loss - gamma_log_pdf(lambda, PRECISION_PRIOR_CONCENTRATION, PRECISION_PRIOR_RATE);
    let elements = f32(LAYER_INPUTS[l] * LAYER_UNITS[l] + LAYER_UNITS[l]);
    grad[m * P + PRECISION_OFFSET + l] = -0.5 * elements + 0.5 * lambda * second_moment + (PRECISION_PRIOR_RATE * lambda - (PRECISION_PRIOR_CONCENTRATION - 1.0));
#endif
  }
#if SCALE
#if !HETERO
  grad[m * P + SIGMA_LOC_OFFSET] = g_mu;
  grad[m * P + SIGMA_RHO_OFFSET] = g_s * sigmoid(theta[m * P + SIGMA_RHO_OFFSET]);
#endif
#endif
  return loss / n_total;
}
