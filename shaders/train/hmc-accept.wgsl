// The end of 'hmc' transition step.t, per chain m (src/objective/hmc.ts has the float64 maths):
// H0 = U0 + |p0|²/2 (p0 redrawn from the momentum stream, U0 the chain's potential), H1 = U1 + |p|²/2
// with U1 = N × the stored loss at the trajectory's end. ΔH = H1 − H0 not finite or above
// DIVERGENCE_THRESHOLD: divergent, acceptance probability 0; else α = min(1, exp(−ΔH)). Accepted
// when the uniform of (step.t, STREAM_HMC_ACCEPT, element 0, word: the chain's stream + 1) is below α (train/hmc-restore
// puts θ back otherwise). train/hmc-end records it and adapts the step size. Constants: LEAPFROG_STEPS,
// DIVERGENCE_THRESHOLD, STREAM_HMC_MOMENTUM, STREAM_HMC_ACCEPT and train/hmc-end's. Needs lib/random, train/step.
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
  end_transition(m, step.t, select(u0, u1, accepted), alpha, accepted, divergent, dh, 0.0, f32(LEAPFROG_STEPS));
}
