// After 'hmc''s accept step, per (chain m, θ element): a rejected trajectory puts θ and its gradient
// back to the transition's start (train/hmc-momentum saved them). Constants: CF, CH_LAST_ACCEPTED.
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let t = flat_index(gid, groups);
  if (t >= M * P) {
    return;
  }
  let m = t / P;
  if (hmc_chain[m * CF + CH_LAST_ACCEPTED] == 0.0) {
    theta[t] = hmc_theta0[t];
    grad[t] = hmc_grad0[t];
  }
}
