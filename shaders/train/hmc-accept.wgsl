// The end of 'hmc' transition step.t, per chain m (src/objective/hmc.ts has the float64 maths):
// H0 = U0 + |p0|²/2 (p0 redrawn from the momentum stream, U0 the chain's potential), H1 = U1 + |p|²/2
// with U1 = N × the stored loss at the trajectory's end. ΔH = H1 − H0 not finite or above
// DIVERGENCE_THRESHOLD: divergent, acceptance probability 0; else α = min(1, exp(−ΔH)). Accepted
// when the uniform of (step.t, STREAM_HMC_ACCEPT, element 0, word: the chain's stream + 1) is below α (train/hmc-restore
// puts θ back otherwise). In warm-up (step.t < WARMUP) dual averaging adapts the step size and the
// last warm-up transition freezes it at exp(log ε̄); after warm-up the counters add up. hmc_trace
// gets (U, α, accepted, ε used) per (transition, chain). Constants: CF, CH_*, WARMUP, TARGET_ACCEPT,
// DA_GAMMA, DA_T0, DA_KAPPA, DA_MU_FACTOR, INITIAL_STEP_SIZE, DIVERGENCE_THRESHOLD, STREAM_HMC_MOMENTUM,
// STREAM_HMC_ACCEPT. Needs lib/random, train/step.
fn finite(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let m = flat_index(gid, groups);
  if (m >= M) {
    return;
  }
  let c = m * CF;
  let key = seed_key();
  var k0 = 0.0;
  var k1 = 0.0;
  for (var e = 0u; e < P; e++) {
    let z = normals4w(e / 4u, step.t, STREAM_HMC_MOMENTUM, models[m].stream + 1u, key)[e % 4u];
    let p = hmc_p[m * P + e];
    k0 = k0 + z * z;
    k1 = k1 + p * p;
  }
  let u0 = hmc_chain[c + CH_POTENTIAL];
  let u1 = models[m].n * epoch_loss[2u * m];
  let dh = (u1 + 0.5 * k1) - (u0 + 0.5 * k0);
  let divergent = !finite(dh) || dh > DIVERGENCE_THRESHOLD;
  let alpha = select(min(1.0, exp(-dh)), 0.0, divergent);
  let u = uniform_closed_open(philox4x32(vec4<u32>(0u, step.t, STREAM_HMC_ACCEPT, models[m].stream + 1u), key).x);
  let accepted = u < alpha;
  let eps = hmc_chain[c + CH_STEP_SIZE];
  hmc_chain[c + CH_POTENTIAL] = select(u0, u1, accepted);
  hmc_chain[c + CH_LAST_ACCEPTED] = select(0.0, 1.0, accepted);
  hmc_chain[c + CH_LAST_ACCEPT_PROB] = alpha;
  hmc_chain[c + CH_LAST_ENERGY_ERROR] = dh;
  let at = (step.t * M + m) * 4u;
  hmc_trace[at] = select(u0, u1, accepted);
  hmc_trace[at + 1u] = alpha;
  hmc_trace[at + 2u] = select(0.0, 1.0, accepted);
  hmc_trace[at + 3u] = eps;
  if (step.t < WARMUP) {
    if (divergent) {
      hmc_chain[c + CH_WARMUP_DIVERGENCES] = hmc_chain[c + CH_WARMUP_DIVERGENCES] + 1.0;
    }
    let i = f32(step.t + 1u);
    let w = 1.0 / (i + DA_T0);
    let h_bar = (1.0 - w) * hmc_chain[c + CH_H_BAR] + w * (TARGET_ACCEPT - alpha);
    let log_eps = log(DA_MU_FACTOR * INITIAL_STEP_SIZE) - sqrt(i) / DA_GAMMA * h_bar;
    let eta = pow(i, -DA_KAPPA);
    let log_eps_bar = eta * log_eps + (1.0 - eta) * hmc_chain[c + CH_LOG_STEP_SIZE_BAR];
    hmc_chain[c + CH_H_BAR] = h_bar;
    hmc_chain[c + CH_LOG_STEP_SIZE_BAR] = log_eps_bar;
    hmc_chain[c + CH_STEP_SIZE] = exp(select(log_eps, log_eps_bar, step.t + 1u == WARMUP));
  } else {
    if (divergent) {
      hmc_chain[c + CH_DIVERGENCES] = hmc_chain[c + CH_DIVERGENCES] + 1.0;
    }
    hmc_chain[c + CH_ACCEPTED] = hmc_chain[c + CH_ACCEPTED] + select(0.0, 1.0, accepted);
    hmc_chain[c + CH_ACCEPT_SUM] = hmc_chain[c + CH_ACCEPT_SUM] + alpha;
  }
}
