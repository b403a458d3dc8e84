// Half a leapfrog kick, per (chain m, θ element): p ← p − (ε/2) ∇U with ∇U = N × grad ('map''s
// full-batch loss gradient) and ε the chain's step size; with define DRIFT then the drift
// θ ← θ + ε p. A leapfrog step is kick + drift, the gradient programs at the new θ, then kick. With
// define NUTS, ε is the chain's signed tree step (nuts_tree's NT_STEP), and 0 leaves the chain as it is.
// Constants: CF, CH_STEP_SIZE; NUTS: NF, NT_STEP.
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let t = flat_index(gid, groups);
  if (t >= M * P) {
    return;
  }
  let m = t / P;
#if NUTS
  let eps = nuts_tree[m * NF + NT_STEP];
  if (eps == 0.0) {
    return;
  }
#else
  let eps = hmc_chain[m * CF + CH_STEP_SIZE];
#endif
  let p = hmc_p[t] - 0.5 * eps * (models[m].n * grad[t]);
  hmc_p[t] = p;
#if DRIFT
  theta[t] = theta[t] + eps * p;
#endif
}
