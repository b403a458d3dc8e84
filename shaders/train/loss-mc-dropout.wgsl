// 'mc-dropout''s step objective for model m over nb rows (src/objective/index.ts, OBJECTIVES):
// (1/nb) Σ (y − f)² + λ Σ (W² + b²); its gradient over the outputs goes to dh (the weight decay's
// is the weight gradient's). Constants: LAYERS and per layer LAYER_INPUTS, LAYER_UNITS,
// LAYER_WEIGHT (b follows W in θ). Define SCALE: the Normal's squared error; otherwise the
// likelihood's mean NLL (train/likelihood's row_nll) in its place. Define STUDENT (with SCALE):
// the Student-t's mean NLL at the fixed scale models[m].fixedSigma (train/student-t). Define
// HETERO (with SCALE): the heteroscedastic head's mean NLL (train/heteroscedastic) in place of both.
fn model_loss(m: u32, nb: f32, n_total: f32) -> f32 {
  var loss = 0.0;
#if STUDENT
  let df = student_df(m);
  var d_log_df = 0.0;
#endif
  for (var b = 0u; b < B; b++) {
#if HETERO
    if (valid[m * B + b] == 0.0) {
      hetero_skip(m, 0u, b);
      continue;
    }
    let t = hetero_row(m, 0u, b, 1.0 / nb);
    loss = loss + t.x / nb;
#if STUDENT
    d_log_df = d_log_df + t.y / nb;
#endif
#elif SCALE
    if (valid[m * B + b] == 0.0) {
      set_d_out(m, 0u, b, 0u, 0.0);
      continue;
    }
#if STUDENT
    let t = student_row(yb[m * B + b], net_out(m, 0u, b, 0u), models[m].fixedSigma, df);
    loss = loss + t.x / nb;
    set_d_out(m, 0u, b, 0u, t.y / nb);
    d_log_df = d_log_df + t.w / nb;
#else
    let r = yb[m * B + b] - net_out(m, 0u, b, 0u);
    loss = loss + r * r / nb;
    set_d_out(m, 0u, b, 0u, -2.0 * r / nb);
#endif
#else
    if (valid[m * B + b] == 0.0) {
      clear_d_out(m, 0u, b);
      continue;
    }
    loss = loss + row_nll(m, 0u, b, 1.0 / nb) / nb;
#endif
  }
#if STUDENT
  set_df_grad(m, d_log_df);
#endif
  let lambda = models[m].weightDecay;
  var penalty = 0.0;
  for (var l = 0u; l < LAYERS; l++) {
    for (var e = 0u; e < LAYER_INPUTS[l] * LAYER_UNITS[l] + LAYER_UNITS[l]; e++) {
      let w = theta[m * P + LAYER_WEIGHT[l] + e];
      penalty = penalty + w * w;
    }
  }
  loss = loss + lambda * penalty;
  return loss;
}
