// A leaf of 'nuts''s subtree, per chain m, after the leapfrog step to it (src/objective/nuts.ts;
// skipped while the chain idles, step 0): its energy error ΔH = U + |r|²/2 − H0 (not finite or above
// DIVERGENCE_THRESHOLD: divergent, log weight NEGLIGIBLE_LOG_WEIGHT when not finite, else −ΔH), its
// acceptance statistic min(1, e^−ΔH); the subtree's proposal becomes this leaf (the first always,
// leaf n > 0 when the uniform of (2^j − 1 + n, step.t, STREAM_NUTS_LEAF) is below e^w / (e^w + e^W));
// the momentum sum; NumPyro's checkpoints (an even leaf stores r and the sum at max) and U-turn checks
// from max down to min; the subtree ends (step 0) on a U-turn, a divergence or its 2^j-th leaf.
// Constants: STREAM_NUTS_LEAF, DIVERGENCE_THRESHOLD, NEGLIGIBLE_LOG_WEIGHT, NF, NT_*, NV, V_*.
// Needs lib/philox, lib/random, train/step, train/nuts-common, train/hmc-end (finite).
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let m = flat_index(gid, groups);
  if (m >= M) {
    return;
  }
  if (nuts_tree[tree_at(m, NT_STEP)] == 0.0) {
    return;
  }
  let j = u32(nuts_tree[tree_at(m, NT_DEPTH)]);
  let n = u32(nuts_tree[tree_at(m, NT_SUB_LEAVES)]);
  let potential = models[m].n * epoch_loss[2u * m];
  var k = 0.0;
  for (var e = 0u; e < P; e++) {
    let r = hmc_p[m * P + e];
    k = k + r * r;
    let s = vec_at(m, V_SUB_MOMENTUM_SUM, e);
    nuts_vec[s] = nuts_vec[s] + r;
  }
  let energy = potential + 0.5 * k;
  let de = energy - nuts_tree[tree_at(m, NT_ENERGY0)];
  let bad = !finite(de);
  let divergent = bad || de > DIVERGENCE_THRESHOLD;
  let weight = select(-de, NEGLIGIBLE_LOG_WEIGHT, bad);
  let accept_prob = select(min(1.0, exp(-de)), 0.0, bad);
  var take = true;
  if (n > 0u) {
    let sub_weight = nuts_tree[tree_at(m, NT_SUB_WEIGHT)];
    let leaf = (1u << j) - 1u + n;
    let u = uniform_closed_open(philox4x32(vec4<u32>(leaf / 4u, step.t, STREAM_NUTS_LEAF, models[m].stream + 1u), seed_key())[leaf % 4u]);
    // A leaf with a non-finite energy error has weight e^w = 0: never taken (exp(huge) is not relied on).
    take = !bad && u < 1.0 / (1.0 + exp(sub_weight - weight));
    nuts_tree[tree_at(m, NT_SUB_WEIGHT)] = log_add_exp(sub_weight, weight);
  } else {
    nuts_tree[tree_at(m, NT_SUB_WEIGHT)] = weight;
  }
  if (take) {
    for (var e = 0u; e < P; e++) {
      nuts_vec[vec_at(m, V_SUB_PROPOSAL_THETA, e)] = theta[m * P + e];
      nuts_vec[vec_at(m, V_SUB_PROPOSAL_GRAD, e)] = grad[m * P + e];
    }
    nuts_tree[tree_at(m, NT_SUB_PROPOSAL_POTENTIAL)] = potential;
    nuts_tree[tree_at(m, NT_SUB_PROPOSAL_ENERGY)] = energy;
  }
  nuts_tree[tree_at(m, NT_SUB_ACCEPT_SUM)] = nuts_tree[tree_at(m, NT_SUB_ACCEPT_SUM)] + accept_prob;
  nuts_tree[tree_at(m, NT_SUB_LEAVES)] = f32(n + 1u);
  if (divergent) {
    nuts_tree[tree_at(m, NT_SUB_DIVERGING)] = 1.0;
  }
  let idx_max = countOneBits(n >> 1u);
  let idx_min = i32(idx_max) - i32(countOneBits((~n & (n + 1u)) - 1u)) + 1;
  if (n % 2u == 0u) {
    for (var e = 0u; e < P; e++) {
      nuts_vec[vec_at(m, V_CKPT_R + idx_max, e)] = hmc_p[m * P + e];
      nuts_vec[vec_at(m, V_CKPT_RSUM + idx_max, e)] = nuts_vec[vec_at(m, V_SUB_MOMENTUM_SUM, e)];
    }
  }
  var turning = false;
  for (var i = i32(idx_max); i >= idx_min && !turning; i--) {
    var left_dot = 0.0;
    var right_dot = 0.0;
    for (var e = 0u; e < P; e++) {
      let left = nuts_vec[vec_at(m, V_CKPT_R + u32(i), e)];
      let r = hmc_p[m * P + e];
      let s = nuts_vec[vec_at(m, V_SUB_MOMENTUM_SUM, e)] - nuts_vec[vec_at(m, V_CKPT_RSUM + u32(i), e)] + left - 0.5 * (left + r);
      left_dot = left_dot + left * s;
      right_dot = right_dot + r * s;
    }
    turning = left_dot <= 0.0 || right_dot <= 0.0;
  }
  if (turning) {
    nuts_tree[tree_at(m, NT_SUB_TURNING)] = 1.0;
  }
  if (turning || divergent || n + 1u == (1u << j)) {
    nuts_tree[tree_at(m, NT_STEP)] = 0.0;
  }
}
