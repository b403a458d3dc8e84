// 'ensemble''s step objective for model m over nb rows (src/objective/index.ts, OBJECTIVES):
// (1/nb) Σ −log N(y | μ, σ) with the heteroscedastic head μ = output 0, σ = softplus(output 1) +
// MIN_SCALE, by train/heteroscedastic's hetero_row (β-NLL's weights with define BETA_NLL); its
// gradient over both outputs goes to dh. Without define SCALE: the likelihood's mean NLL
// (train/likelihood's row_nll), no heteroscedastic head. Define STUDENT: the Student-t's NLL at the
// head's σ (train/student-t). Needs lib/math.
fn model_loss(m: u32, nb: f32, n_total: f32) -> f32 {
  var loss = 0.0;
#if STUDENT
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
      hetero_skip(m, 0u, b);
      continue;
    }
    let t = hetero_row(m, 0u, b, 1.0 / nb);
    loss = loss + t.x / nb;
#if STUDENT
    d_log_df = d_log_df + t.y / nb;
#endif
#endif
  }
#if STUDENT
  set_df_grad(m, d_log_df);
#endif
  return loss;
}
