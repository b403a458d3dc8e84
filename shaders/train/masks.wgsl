// Dropout masks of a layer's input per (model, batch slot, unit): keep ? 1/(1-p) : 0, the layout of
// src/random/train-streams.ts: a thread draws one Philox block, unit i's masks of 8 consecutive slots
// (block (slot / 8) * IN + i, halves dropout_half), and writes them. Define IN_PLACE (layer 0):
// multiply the gathered inputs xb by them instead of keeping them. Define CONCRETE (concrete
// dropout, src/objective/concrete.ts): element e = slot * IN + unit of model m uses word e % 4 of
// block e / 4, and its mask is the relaxed sigmoid(-(θ + g) / T) / sigmoid(-θ) of the layer's logit
// θ = theta[LOGIT_OFFSET] and the word's logistic noise g (concrete_noise). Constants: IN, BLOCKS
// (blocks per model), STREAM, MASK_OFFSET, LOGIT_OFFSET, TEMPERATURE. Needs lib/philox,
// train/model-stream (and train/concrete with CONCRETE).
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let t = flat_index(gid, groups);
  if (t >= M * BLOCKS) {
    return;
  }
  let m = t / BLOCKS;
  let q = t % BLOCKS;
  let w = philox4x32(vec4<u32>(q, model_step(m), STREAM, model_word(m)), seed_key());
#if CONCRETE
  let logit = theta[m * P + LOGIT_OFFSET];
  let keep = sigmoid(-logit);
  for (var c = 0u; c < 4u; c++) {
    let e = q * 4u + c;
    if (e < B * IN) {
      masks[MASK_OFFSET + m * B * IN + e] = sigmoid(-(logit + concrete_noise(w[c])) / TEMPERATURE) / keep;
    }
  }
#else
  let threshold = models[m].keepThreshold;
  let scale = models[m].keepScale;
  let unit = q % IN;
  let slot0 = (q / IN) * 8u;
  for (var h = 0u; h < 8u; h++) {
    let b = slot0 + h;
    if (b < B) {
      let e = m * B * IN + b * IN + unit;
#if IN_PLACE
      xb[e] = xb[e] * select(0.0, scale, dropout_half(w, h) < threshold);
#else
      masks[MASK_OFFSET + e] = select(0.0, scale, dropout_half(w, h) < threshold);
#endif
    }
  }
#endif
}
