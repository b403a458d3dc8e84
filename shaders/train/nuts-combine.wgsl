// The end of 'nuts' doubling j, per chain m whose tree grows (src/objective/nuts.ts): the subtree's
// far end (the integrator's state) becomes the tree's end on its side; the tree takes the subtree's
// proposal when the uniform of word 1 of (j, step.t, STREAM_NUTS_TREE) is below min(1, e^(W_sub −
// W_tree)) (0 for a subtree that turned or diverged); the weights and momentum sums add up; the tree
// stops on the subtree's U-turn or divergence, its own U-turn between its ends, or MAX_TREE_DEPTH.
// Constants: STREAM_NUTS_TREE, MAX_TREE_DEPTH, NF, NT_*, NV, V_*. Needs lib/philox, lib/random, train/step, train/nuts-common.
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let m = flat_index(gid, groups);
  if (m >= M) {
    return;
  }
  if (nuts_tree[tree_at(m, NT_ACTIVE)] == 0.0) {
    return;
  }
  let right = nuts_tree[tree_at(m, NT_DIRECTION)] > 0.0;
  let end = end_slots(right);
  for (var e = 0u; e < P; e++) {
    let i = m * P + e;
    nuts_vec[vec_at(m, end.x, e)] = theta[i];
    nuts_vec[vec_at(m, end.y, e)] = hmc_p[i];
    nuts_vec[vec_at(m, end.z, e)] = grad[i];
    let s = vec_at(m, V_MOMENTUM_SUM, e);
    nuts_vec[s] = nuts_vec[s] + nuts_vec[vec_at(m, V_SUB_MOMENTUM_SUM, e)];
  }
  let j = u32(nuts_tree[tree_at(m, NT_DEPTH)]);
  let sub_turning = nuts_tree[tree_at(m, NT_SUB_TURNING)] != 0.0;
  let sub_diverging = nuts_tree[tree_at(m, NT_SUB_DIVERGING)] != 0.0;
  let tree_weight = nuts_tree[tree_at(m, NT_TREE_WEIGHT)];
  let sub_weight = nuts_tree[tree_at(m, NT_SUB_WEIGHT)];
  let probability = select(min(1.0, exp(sub_weight - tree_weight)), 0.0, sub_turning || sub_diverging);
  let u = uniform_closed_open(philox4x32(vec4<u32>(j, step.t, STREAM_NUTS_TREE, models[m].stream + 1u), seed_key()).y);
  if (u < probability) {
    for (var e = 0u; e < P; e++) {
      nuts_vec[vec_at(m, V_PROPOSAL_THETA, e)] = nuts_vec[vec_at(m, V_SUB_PROPOSAL_THETA, e)];
      nuts_vec[vec_at(m, V_PROPOSAL_GRAD, e)] = nuts_vec[vec_at(m, V_SUB_PROPOSAL_GRAD, e)];
    }
    nuts_tree[tree_at(m, NT_PROPOSAL_POTENTIAL)] = nuts_tree[tree_at(m, NT_SUB_PROPOSAL_POTENTIAL)];
    nuts_tree[tree_at(m, NT_PROPOSAL_ENERGY)] = nuts_tree[tree_at(m, NT_SUB_PROPOSAL_ENERGY)];
    nuts_tree[tree_at(m, NT_MOVED)] = 1.0;
  }
  nuts_tree[tree_at(m, NT_TREE_WEIGHT)] = log_add_exp(tree_weight, sub_weight);
  var turning = sub_turning;
  if (!turning) {
    var left_dot = 0.0;
    var right_dot = 0.0;
    for (var e = 0u; e < P; e++) {
      let left = nuts_vec[vec_at(m, V_LEFT_MOMENTUM, e)];
      let r = nuts_vec[vec_at(m, V_RIGHT_MOMENTUM, e)];
      let s = nuts_vec[vec_at(m, V_MOMENTUM_SUM, e)] - 0.5 * (left + r);
      left_dot = left_dot + left * s;
      right_dot = right_dot + r * s;
    }
    turning = left_dot <= 0.0 || right_dot <= 0.0;
  }
  let depth = j + 1u;
  nuts_tree[tree_at(m, NT_DEPTH)] = f32(depth);
  nuts_tree[tree_at(m, NT_DIVERGING)] = select(0.0, 1.0, sub_diverging);
  nuts_tree[tree_at(m, NT_ACCEPT_SUM)] = nuts_tree[tree_at(m, NT_ACCEPT_SUM)] + nuts_tree[tree_at(m, NT_SUB_ACCEPT_SUM)];
  nuts_tree[tree_at(m, NT_LEAVES)] = nuts_tree[tree_at(m, NT_LEAVES)] + nuts_tree[tree_at(m, NT_SUB_LEAVES)];
  let grows = !(turning || sub_diverging || depth >= MAX_TREE_DEPTH);
  nuts_tree[tree_at(m, NT_ACTIVE)] = select(0.0, 1.0, grows);
}
