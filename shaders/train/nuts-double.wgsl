// The start of 'nuts' doubling j (the chain's depth) of transition step.t, per chain m: a growing
// tree draws its direction (right when the top bit of word 0 of (j, step.t, STREAM_NUTS_TREE, the
// chain's stream + 1) is set), starts its subtree empty and puts the integrator (θ, r, ∇U) at the
// tree's end on that side; its leapfrog step is ±ε. A finished tree idles (step 0).
// Constants: STREAM_NUTS_TREE, CF, CH_STEP_SIZE, NF, NT_*, NV, V_*. Needs lib/philox, train/step, train/nuts-common.
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let m = flat_index(gid, groups);
  if (m >= M) {
    return;
  }
  if (nuts_tree[tree_at(m, NT_ACTIVE)] == 0.0) {
    nuts_tree[tree_at(m, NT_STEP)] = 0.0;
    return;
  }
  let j = u32(nuts_tree[tree_at(m, NT_DEPTH)]);
  let w = philox4x32(vec4<u32>(j, step.t, STREAM_NUTS_TREE, models[m].stream + 1u), seed_key());
  let right = (w.x >> 31u) == 1u;
  let direction = select(-1.0, 1.0, right);
  nuts_tree[tree_at(m, NT_DIRECTION)] = direction;
  nuts_tree[tree_at(m, NT_STEP)] = direction * hmc_chain[m * CF + CH_STEP_SIZE];
  nuts_tree[tree_at(m, NT_SUB_WEIGHT)] = 0.0;
  nuts_tree[tree_at(m, NT_SUB_LEAVES)] = 0.0;
  nuts_tree[tree_at(m, NT_SUB_TURNING)] = 0.0;
  nuts_tree[tree_at(m, NT_SUB_DIVERGING)] = 0.0;
  nuts_tree[tree_at(m, NT_SUB_ACCEPT_SUM)] = 0.0;
  let end = end_slots(right);
  for (var e = 0u; e < P; e++) {
    let i = m * P + e;
    theta[i] = nuts_vec[vec_at(m, end.x, e)];
    hmc_p[i] = nuts_vec[vec_at(m, end.y, e)];
    grad[i] = nuts_vec[vec_at(m, end.z, e)];
    nuts_vec[vec_at(m, V_SUB_MOMENTUM_SUM, e)] = 0.0;
  }
}
