// Dropout masks of a layer's input per (model, batch slot, unit): keep ? 1/(1-p) : 0. Element e of
// model m uses word e % 4 of Philox block e / 4, so a thread draws one block and writes its 4
// masks. Define IN_PLACE (layer 0): multiply the gathered inputs xb by them instead of keeping
// them. Define CONCRETE (concrete dropout, src/objective/concrete.ts): the relaxed mask
// sigmoid(-(θ + g) / T) / sigmoid(-θ) of the layer's logit θ = theta[LOGIT_OFFSET] and the word's
// logistic noise g (concrete_noise). Constants: IN, QUADS (blocks per model), STREAM, MASK_OFFSET,
// LOGIT_OFFSET, TEMPERATURE. Needs lib/philox, train/model-stream (and train/concrete with CONCRETE).
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let t = flat_index(gid, groups);
  if (t >= M * QUADS) {
    return;
  }
  let m = t / QUADS;
  let q = t % QUADS;
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
  for (var c = 0u; c < 4u; c++) {
    let e = q * 4u + c;
    if (e < B * IN) {
#if IN_PLACE
      xb[m * B * IN + e] = xb[m * B * IN + e] * select(0.0, scale, (w[c] >> 8u) < threshold);
#else
      masks[MASK_OFFSET + m * B * IN + e] = select(0.0, scale, (w[c] >> 8u) < threshold);
#endif
    }
  }
#endif
}
