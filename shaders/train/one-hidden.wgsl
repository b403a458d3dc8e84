// What the one-program training steps of a one-hidden-layer network share (train/fused-mlp,
// train/lanes-mlp): the dropout mask of a 16-bit half, 'map''s noise scale and the regulariser of
// one θ element with its derivative. Defines: METHOD_MAP ('map'; otherwise 'mc-dropout'),
// FIXED_SIGMA. Needs lib/math, the models and theta bindings, P and LOG_SIGMA_OFFSET.

// Keep (with its 1 / (1 - p) scale) when the mask's 16-bit half (dropout_half) falls under the
// model's threshold.
fn keep_mask(half: u32, m: u32) -> f32 {
  return select(0.0, models[m].keepScale, half < models[m].keepThreshold);
}

// 'map''s σ of model m: the fixed σ ('sgmcmc' given τ: FIXED_SIGMA), else exp(log σ) from θ.
fn map_sigma(m: u32) -> f32 {
#if FIXED_SIGMA
  return models[m].fixedSigma;
#else
  return exp(theta[m * P + LOG_SIGMA_OFFSET]);
#endif
}

// 'mc-dropout' λ θ², 'map' −log N(θ | 0, prior).
fn penalty(m: u32, v: f32) -> f32 {
#if METHOD_MAP
  return -normal_log_pdf(v, 0.0, models[m].priorScale);
#else
  return v * v;
#endif
}

fn penalty_grad(m: u32, v: f32) -> f32 {
#if METHOD_MAP
  let prior = models[m].priorScale;
  return v / (prior * prior) / models[m].n;
#else
  return 2.0 * models[m].weightDecay * v;
#endif
}
