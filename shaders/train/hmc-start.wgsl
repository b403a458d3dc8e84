// 'hmc' before its first transition, per chain m (src/objective/hmc.ts, CHAIN_FIELDS): the potential
// U(θ) = N × the stored full-batch loss (train/loss with STORE, just run at the initial θ), the
// initial step size, dual averaging's state and the counters zeroed. One thread per chain.
// Constants: CF (floats per chain), CH_* (field offsets), INITIAL_STEP_SIZE.
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let m = flat_index(gid, groups);
  if (m >= M) {
    return;
  }
  for (var f = 0u; f < CF; f++) {
    hmc_chain[m * CF + f] = 0.0;
  }
  hmc_chain[m * CF + CH_POTENTIAL] = models[m].n * epoch_loss[2u * m];
  hmc_chain[m * CF + CH_STEP_SIZE] = INITIAL_STEP_SIZE;
  hmc_chain[m * CF + CH_LAST_ACCEPTED] = 1.0;
}
