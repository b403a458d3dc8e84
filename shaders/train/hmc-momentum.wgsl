// The start of 'hmc' transition step.t, per (chain m, θ element e) (src/objective/index.ts, HMC):
// momentum p = normal(seed, sample step.t, STREAM_HMC_MOMENTUM, element e, word: the chain's stream + 1), and θ and
// its gradient saved for a rejection. Constants: STREAM_HMC_MOMENTUM. Needs lib/random, train/step.
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let t = flat_index(gid, groups);
  if (t >= M * P) {
    return;
  }
  let m = t / P;
  let e = t % P;
  hmc_p[t] = normals4w(e / 4u, step.t, STREAM_HMC_MOMENTUM, models[m].stream + 1u, seed_key())[e % 4u];
  hmc_theta0[t] = theta[t];
  hmc_grad0[t] = grad[t];
}
