// The end of a transition of either sampler ('hmc''s Metropolis step, 'nuts''s tree), per chain m at
// transition t (src/objective/hmc.ts): the chain's potential u, its last transition (accepted or moved,
// α, the energy error), the trace row (u, α, accepted, ε used, tree depth, leapfrog steps); in warm-up
// (t < WARMUP) dual averaging adapts the step size from α and the last warm-up transition freezes it at
// exp(log ε̄); after warm-up the counters add up. Constants: CF, CH_*, TF, WARMUP, TARGET_ACCEPT,
// DA_GAMMA, DA_T0, DA_KAPPA, DA_MU_FACTOR, INITIAL_STEP_SIZE, MAX_TREE_DEPTH (0 for 'hmc').

fn end_transition(m: u32, t: u32, u: f32, alpha: f32, accepted: bool, divergent: bool, energy_error: f32, depth: f32, leapfrogs: f32) {
  let c = m * CF;
  let eps = hmc_chain[c + CH_STEP_SIZE];
  hmc_chain[c + CH_POTENTIAL] = u;
  hmc_chain[c + CH_LAST_ACCEPTED] = select(0.0, 1.0, accepted);
  hmc_chain[c + CH_LAST_ACCEPT_PROB] = alpha;
  hmc_chain[c + CH_LAST_ENERGY_ERROR] = energy_error;
  let at = (t * M + m) * TF;
  hmc_trace[at] = u;
  hmc_trace[at + 1u] = alpha;
  hmc_trace[at + 2u] = select(0.0, 1.0, accepted);
  hmc_trace[at + 3u] = eps;
  hmc_trace[at + 4u] = depth;
  hmc_trace[at + 5u] = leapfrogs;
  if (t < WARMUP) {
    if (divergent) {
      hmc_chain[c + CH_WARMUP_DIVERGENCES] = hmc_chain[c + CH_WARMUP_DIVERGENCES] + 1.0;
    }
    let i = f32(t + 1u);
    let w = 1.0 / (i + DA_T0);
    let h_bar = (1.0 - w) * hmc_chain[c + CH_H_BAR] + w * (TARGET_ACCEPT - alpha);
    let log_eps = log(DA_MU_FACTOR * INITIAL_STEP_SIZE) - sqrt(i) / DA_GAMMA * h_bar;
    let eta = pow(i, -DA_KAPPA);
    let log_eps_bar = eta * log_eps + (1.0 - eta) * hmc_chain[c + CH_LOG_STEP_SIZE_BAR];
    hmc_chain[c + CH_H_BAR] = h_bar;
    hmc_chain[c + CH_LOG_STEP_SIZE_BAR] = log_eps_bar;
    hmc_chain[c + CH_STEP_SIZE] = exp(select(log_eps, log_eps_bar, t + 1u == WARMUP));
  } else {
    if (divergent) {
      hmc_chain[c + CH_DIVERGENCES] = hmc_chain[c + CH_DIVERGENCES] + 1.0;
    }
    hmc_chain[c + CH_ACCEPTED] = hmc_chain[c + CH_ACCEPTED] + select(0.0, 1.0, accepted);
    hmc_chain[c + CH_ACCEPT_SUM] = hmc_chain[c + CH_ACCEPT_SUM] + alpha;
    hmc_chain[c + CH_TREE_DEPTH_SUM] = hmc_chain[c + CH_TREE_DEPTH_SUM] + depth;
    hmc_chain[c + CH_LEAPFROG_SUM] = hmc_chain[c + CH_LEAPFROG_SUM] + leapfrogs;
    if (MAX_TREE_DEPTH > 0u && depth >= f32(MAX_TREE_DEPTH)) {
      hmc_chain[c + CH_MAX_DEPTH_HITS] = hmc_chain[c + CH_MAX_DEPTH_HITS] + 1.0;
    }
  }
}
