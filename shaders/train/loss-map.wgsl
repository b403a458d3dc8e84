// 'map''s step objective for model m over nb rows (src/objective/index.ts, OBJECTIVES):
// (1/nb) Σ −log N(y | f, σ) + (1/N) Σ −log N(w | 0, priorScale), σ = exp(log_sigma). Its gradient
// over the outputs goes to dh, over log_sigma to grad (the prior's is the weight gradient's).
// Constants: LOG_SIGMA_OFFSET (log_sigma in θ), LAYERS and per layer LAYER_INPUTS, LAYER_UNITS,
// LAYER_WEIGHT, LAYER_BIAS. Without define SCALE: the likelihood's mean NLL (train/likelihood's
// row_nll) and no log_sigma. Define STUDENT: the Student-t's NLL at σ (train/student-t). Define
// HETERO (with SCALE): the heteroscedastic head's NLL (train/heteroscedastic) and no log_sigma.
// Define FIXED_SIGMA (with SCALE, 'hmc' and 'sgmcmc' given tau): σ = models[m].fixedSigma and no log_sigma.
// Define CONCRETE ('concrete-dropout', the same data term and log_sigma): concrete_regulariser in
// place of the prior (constant DROPOUT_LOGIT_OFFSET: layer l's logit at + l).
fn model_loss(m: u32, nb: f32, n_total: f32) -> f32 {
  var loss = 0.0;
#if HETERO
#if STUDENT
  var d_log_df = 0.0;
#endif
  for (var b = 0u; b < B; b++) {
    if (valid[m * B + b] == 0.0) {
      hetero_skip(m, 0u, b);
      continue;
    }
    let t = hetero_row(m, 0u, b, 1.0 / nb);
    loss = loss + t.x / nb;
#if STUDENT
    d_log_df = d_log_df + t.y / nb;
#endif
  }
#elif SCALE
#if FIXED_SIGMA
  let sigma = models[m].fixedSigma;
#else
  let sigma = exp(theta[m * P + LOG_SIGMA_OFFSET]);
#endif
  var d_u = 0.0;
#if STUDENT
  let df = student_df(m);
  var d_log_df = 0.0;
#endif
  for (var b = 0u; b < B; b++) {
    if (valid[m * B + b] == 0.0) {
      set_d_out(m, 0u, b, 0u, 0.0);
      continue;
    }
#if STUDENT
    let t = student_row(yb[m * B + b], net_out(m, 0u, b, 0u), sigma, df);
    loss = loss + t.x / nb;
    set_d_out(m, 0u, b, 0u, t.y / nb);
    d_u = d_u + t.z * sigma / nb;
    d_log_df = d_log_df + t.w / nb;
#else
    let r = yb[m * B + b] - net_out(m, 0u, b, 0u);
    loss = loss + (0.5 * r * r / (sigma * sigma) + log(sigma) + HALF_LOG_TWO_PI) / nb;
    set_d_out(m, 0u, b, 0u, -r / (sigma * sigma) / nb);
    d_u = d_u + (1.0 - r * r / (sigma * sigma)) / nb;
#endif
  }
#else
  for (var b = 0u; b < B; b++) {
    if (valid[m * B + b] == 0.0) {
      clear_d_out(m, 0u, b);
      continue;
    }
    loss = loss + row_nll(m, 0u, b, 1.0 / nb) / nb;
  }
#endif
#if CONCRETE
  loss = loss + concrete_regulariser(m, n_total);
#else
  let prior = models[m].priorScale;
  var penalty = 0.0;
  for (var l = 0u; l < LAYERS; l++) {
    for (var e = 0u; e < LAYER_INPUTS[l] * LAYER_UNITS[l]; e++) {
      penalty = penalty - normal_log_pdf(theta[m * P + LAYER_WEIGHT[l] + e], 0.0, prior);
    }
    for (var e = 0u; e < LAYER_UNITS[l]; e++) {
      penalty = penalty - normal_log_pdf(theta[m * P + LAYER_BIAS[l] + e], 0.0, prior);
    }
  }
  loss = loss + penalty / n_total;
#endif
#if SCALE
#if !HETERO
#if FIXED_SIGMA
  _ = d_u;
#else
  grad[m * P + LOG_SIGMA_OFFSET] = d_u;
#endif
#endif
#endif
#if STUDENT
  set_df_grad(m, d_log_df);
#endif
  return loss;
}

#if CONCRETE
// Concrete dropout's regulariser (src/objective/concrete.ts, concreteRegulariser) summed over the
// layers, c Σ W² / (1 − p) + c Σ b² + (K / N)(p log p + (1 − p) log(1 − p)) with c = weightDecay =
// l² / (2N); its derivative in each layer's logit is written to grad (train/concrete-grad adds the
// data term's; the weights' is train/param-grad's).
fn concrete_regulariser(m: u32, n_total: f32) -> f32 {
  let c = models[m].weightDecay;
  var total = 0.0;
  for (var l = 0u; l < LAYERS; l++) {
    var sum_w2 = 0.0;
    for (var e = 0u; e < LAYER_INPUTS[l] * LAYER_UNITS[l]; e++) {
      let w = theta[m * P + LAYER_WEIGHT[l] + e];
      sum_w2 = sum_w2 + w * w;
    }
    var sum_b2 = 0.0;
    for (var e = 0u; e < LAYER_UNITS[l]; e++) {
      let b = theta[m * P + LAYER_BIAS[l] + e];
      sum_b2 = sum_b2 + b * b;
    }
    let logit = theta[m * P + DROPOUT_LOGIT_OFFSET + l];
    let p = sigmoid(logit);
    // log p = −softplus(−θ), log(1 − p) = −softplus(θ); 1 / (1 − p) = 1 + exp(θ).
    let neg_entropy = -(p * softplus(-logit) + (1.0 - p) * softplus(logit));
    let k = f32(LAYER_INPUTS[l]) / n_total;
    total = total + c * sum_w2 * (1.0 + exp(logit)) + c * sum_b2 + k * neg_entropy;
    grad[m * P + DROPOUT_LOGIT_OFFSET + l] = c * sum_w2 * exp(logit) + k * p * (1.0 - p) * logit;
  }
  return total;
}
#endif
