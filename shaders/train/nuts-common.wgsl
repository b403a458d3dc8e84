// Indexing and helpers of 'nuts''s per-chain state (src/objective/nuts.ts): nuts_tree holds NF floats
// per chain (NT_* offsets), nuts_vec NV θ-sized vectors per chain (V_* slots; V_CKPT_R + i and
// V_CKPT_RSUM + i the i-th momentum and momentum-sum checkpoints).
fn tree_at(m: u32, field: u32) -> u32 {
  return m * NF + field;
}

fn vec_at(m: u32, slot: u32, e: u32) -> u32 {
  return (m * NV + slot) * P + e;
}

// log(e^a + e^b); a or b NEGLIGIBLE_LOG_WEIGHT contributes nothing.
fn log_add_exp(a: f32, b: f32) -> f32 {
  let hi = max(a, b);
  return hi + log(1.0 + exp(min(a, b) - hi));
}

// The slots (θ, r, ∇U) of the tree's right end, or its left end.
fn end_slots(right: bool) -> vec3<u32> {
  return select(vec3<u32>(V_LEFT_THETA, V_LEFT_MOMENTUM, V_LEFT_GRAD), vec3<u32>(V_RIGHT_THETA, V_RIGHT_MOMENTUM, V_RIGHT_GRAD), right);
}
