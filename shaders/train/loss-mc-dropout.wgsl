// 'mc-dropout''s step objective for model m over nb rows (src/objective/index.ts, OBJECTIVES):
// (1/nb) Σ (y − f)² + λ Σ (W² + b²); its gradient over the outputs goes to dh (the weight decay's
// is the weight gradient's). Constants: LAYERS and per layer LAYER_INPUTS, LAYER_UNITS,
// LAYER_WEIGHT (b follows W in θ). Define SCALE: the Normal's squared error; otherwise the
// likelihood's mean NLL (train/likelihood's row_nll) in its place.
fn model_loss(m: u32, nb: f32, n_total: f32) -> f32 {
  var loss = 0.0;
  for (var b = 0u; b < B; b++) {
#if SCALE
    if (valid[m * B + b] == 0.0) {
      set_d_out(m, 0u, b, 0u, 0.0);
      continue;
    }
    let r = yb[m * B + b] - net_out(m, 0u, b, 0u);
    loss = loss + r * r / nb;
    set_d_out(m, 0u, b, 0u, -2.0 * r / nb);
#else
    if (valid[m * B + b] == 0.0) {
      clear_d_out(m, 0u, b);
      continue;
    }
    loss = loss + row_nll(m, 0u, b, 1.0 / nb) / nb;
#endif
  }
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
