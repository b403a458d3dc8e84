// The end of 'nuts' transition step.t, per chain m: θ and ∇U become the tree's proposal's, and
// train/hmc-end records it (U, α = the leaves' mean acceptance statistic, moved, divergence, the
// proposal's energy error, depth, leapfrog steps) and adapts the step size.
// Constants: NF, NT_*, NV, V_* and train/hmc-end's. Needs train/nuts-common, train/hmc-end.
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let m = flat_index(gid, groups);
  if (m >= M) {
    return;
  }
  for (var e = 0u; e < P; e++) {
    theta[m * P + e] = nuts_vec[vec_at(m, V_PROPOSAL_THETA, e)];
    grad[m * P + e] = nuts_vec[vec_at(m, V_PROPOSAL_GRAD, e)];
  }
  let leaves = nuts_tree[tree_at(m, NT_LEAVES)];
  let alpha = nuts_tree[tree_at(m, NT_ACCEPT_SUM)] / leaves;
  let energy_error = nuts_tree[tree_at(m, NT_PROPOSAL_ENERGY)] - nuts_tree[tree_at(m, NT_ENERGY0)];
  end_transition(
    m,
    step.t,
    nuts_tree[tree_at(m, NT_PROPOSAL_POTENTIAL)],
    alpha,
    nuts_tree[tree_at(m, NT_MOVED)] != 0.0,
    nuts_tree[tree_at(m, NT_DIVERGING)] != 0.0,
    energy_error,
    nuts_tree[tree_at(m, NT_DEPTH)],
    leaves,
  );
}
