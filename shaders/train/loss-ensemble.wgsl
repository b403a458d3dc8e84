// 'ensemble''s step objective for model m over nb rows (src/objective/index.ts, OBJECTIVES):
// (1/nb) Σ −log N(y | μ, σ) with the heteroscedastic head μ = output 0, σ = softplus(output 1) +
// ENSEMBLE_MIN_SCALE; its gradient over both outputs goes to dh. Without define SCALE: the
// likelihood's mean NLL (train/likelihood's row_nll), no heteroscedastic head. Define STUDENT:
// the Student-t's NLL at the head's σ (train/student-t). Needs lib/math.
fn model_loss(m: u32, nb: f32, n_total: f32) -> f32 {
  var loss = 0.0;
#if STUDENT
  let df = student_df(m);
  var d_log_df = 0.0;
#endif
  for (var b = 0u; b < B; b++) {
#if !SCALE
    if (valid[m * B + b] == 0.0) {
      clear_d_out(m, 0u, b);
      continue;
    }
    loss = loss + row_nll(m, 0u, b, 1.0 / nb) / nb;
#else
    if (valid[m * B + b] == 0.0) {
      set_d_out(m, 0u, b, 0u, 0.0);
      set_d_out(m, 0u, b, 1u, 0.0);
      continue;
    }
    let raw = net_out(m, 0u, b, 1u);
    let sigma = softplus(raw) + ENSEMBLE_MIN_SCALE;
#if STUDENT
    let t = student_row(yb[m * B + b], net_out(m, 0u, b, 0u), sigma, df);
    loss = loss + t.x / nb;
    set_d_out(m, 0u, b, 0u, t.y / nb);
    set_d_out(m, 0u, b, 1u, t.z * sigmoid(raw) / nb);
    d_log_df = d_log_df + t.w / nb;
#else
    let r = yb[m * B + b] - net_out(m, 0u, b, 0u);
    loss = loss + (0.5 * r * r / (sigma * sigma) + log(sigma) + HALF_LOG_TWO_PI) / nb;
    set_d_out(m, 0u, b, 0u, -r / (sigma * sigma) / nb);
    set_d_out(m, 0u, b, 1u, (1.0 / sigma - r * r / (sigma * sigma * sigma)) * sigmoid(raw) / nb);
#endif
#endif
  }
#if STUDENT
  set_df_grad(m, d_log_df);
#endif
  return loss;
}
