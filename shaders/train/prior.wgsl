// The prior std of layer l's weights for model m: the model's priorScale, or with the hierarchical
// prior (define HIERARCHICAL) 1 / sqrt(λ_l) from the learned log precision at θ[PRECISION_OFFSET + l].
fn prior_std(m: u32, l: u32) -> f32 {
#if HIERARCHICAL
  return inverseSqrt(exp(theta[m * P + PRECISION_OFFSET + l]));
#else
  return models[m].priorScale;
#endif
}
