// The start of 'nuts' transition step.t, per chain m (src/objective/nuts.ts): the momentum r0 (the
// same stream as 'hmc''s), the tree of one point (both ends and the proposal at the current θ, r0 and
// ∇U; the momentum sum r0) and its fields: H0 = U + |r0|²/2, log weight 0, depth 0, growing.
// Constants: STREAM_HMC_MOMENTUM, CF, CH_POTENTIAL, NF, NT_*, NV, V_*. Needs lib/random, train/step, train/nuts-common.
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let m = flat_index(gid, groups);
  if (m >= M) {
    return;
  }
  let key = seed_key();
  var k0 = 0.0;
  for (var e = 0u; e < P; e++) {
    let r = normals4w(e / 4u, step.t, STREAM_HMC_MOMENTUM, models[m].stream + 1u, key)[e % 4u];
    let i = m * P + e;
    let th = theta[i];
    let g = grad[i];
    hmc_p[i] = r;
    k0 = k0 + r * r;
    nuts_vec[vec_at(m, V_LEFT_THETA, e)] = th;
    nuts_vec[vec_at(m, V_LEFT_MOMENTUM, e)] = r;
    nuts_vec[vec_at(m, V_LEFT_GRAD, e)] = g;
    nuts_vec[vec_at(m, V_RIGHT_THETA, e)] = th;
    nuts_vec[vec_at(m, V_RIGHT_MOMENTUM, e)] = r;
    nuts_vec[vec_at(m, V_RIGHT_GRAD, e)] = g;
    nuts_vec[vec_at(m, V_PROPOSAL_THETA, e)] = th;
    nuts_vec[vec_at(m, V_PROPOSAL_GRAD, e)] = g;
    nuts_vec[vec_at(m, V_MOMENTUM_SUM, e)] = r;
  }
  for (var f = 0u; f < NF; f++) {
    nuts_tree[tree_at(m, f)] = 0.0;
  }
  let u = hmc_chain[m * CF + CH_POTENTIAL];
  let h0 = u + 0.5 * k0;
  nuts_tree[tree_at(m, NT_ENERGY0)] = h0;
  nuts_tree[tree_at(m, NT_ACTIVE)] = 1.0;
  nuts_tree[tree_at(m, NT_PROPOSAL_POTENTIAL)] = u;
  nuts_tree[tree_at(m, NT_PROPOSAL_ENERGY)] = h0;
}
