// The gradient of parameter element e of a layer (weights first, then biases) written to grad: the
// data term's part g_loc (and g_s, its derivative in the posterior std, for 'vi') plus the
// regulariser's (src/objective/index.ts, OBJECTIVES): 'vi' the KL and the chain rule to rho,
// 'map' −log prior / N, 'mc-dropout' 2 λ w, 'concrete-dropout' 2 c w / (1 − p) (b: 2 c b), 'ensemble'
// none. Defines: METHOD_VI, METHOD_MAP, METHOD_MC_DROPOUT, METHOD_CONCRETE. Constants: LAYER,
// WEIGHT_COUNT, WEIGHT_OFFSET, BIAS_OFFSET, WEIGHT_RHO_OFFSET, BIAS_RHO_OFFSET, LOGIT_OFFSET. Needs lib/math and, for 'vi', train/prior.
fn store_param_grad(m: u32, e: u32, g_loc: f32, g_s: f32) {
  let is_weight = e < WEIGHT_COUNT;
  let loc_at = select(BIAS_OFFSET + e - WEIGHT_COUNT, WEIGHT_OFFSET + e, is_weight);
  let loc = theta[m * P + loc_at];
#if METHOD_VI
  let rho_at = rho_index(e);
  let rho = theta[m * P + rho_at];
  let prior = prior_std(m, LAYER);
  let s = softplus(rho);
  grad[m * P + loc_at] = g_loc + loc / (prior * prior);
  grad[m * P + rho_at] = (g_s - 1.0 / s + s / (prior * prior)) * sigmoid(rho);
#elif METHOD_MAP
  let prior = models[m].priorScale;
  grad[m * P + loc_at] = g_loc + loc / (prior * prior) / models[m].n;
#elif METHOD_MC_DROPOUT
  grad[m * P + loc_at] = g_loc + 2.0 * models[m].weightDecay * loc;
#elif METHOD_CONCRETE
  // c Σ W² / (1 − p) + c Σ b² (src/objective/concrete.ts): 1 / (1 − p) = 1 + exp(θ logit) on the weights only.
  let keep_scale = select(1.0, 1.0 + exp(theta[m * P + LOGIT_OFFSET]), is_weight);
  grad[m * P + loc_at] = g_loc + 2.0 * models[m].weightDecay * loc * keep_scale;
#else
  grad[m * P + loc_at] = g_loc;
#endif
}

// θ index of the rho of element e ('vi').
fn rho_index(e: u32) -> u32 {
  return select(BIAS_RHO_OFFSET + e - WEIGHT_COUNT, WEIGHT_RHO_OFFSET + e, e < WEIGHT_COUNT);
}
