// Flipout: the per-example sign vectors of a layer (input signs, then output signs) for every
// (model, K-sample, batch slot): +1 when the Philox word is below 2^31. Constants: FLIP_WIDTH
// (= inputs + units), STREAM, FLIP_OFFSET. Needs lib/philox, train/model-stream.
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let t = flat_index(gid, groups);
  if (t >= M * K * B * FLIP_WIDTH) {
    return;
  }
  let mkb = t / FLIP_WIDTH;
  let c = t % FLIP_WIDTH;
  let m = mkb / (K * B);
  let k = (mkb / B) % K;
  let b = mkb % B;
  let e = b * FLIP_WIDTH + c;
  let w = philox4x32(vec4<u32>(e / 4u, model_step(m) * K + k, STREAM, model_word(m)), seed_key());
  flip[FLIP_OFFSET + t] = select(-1.0, 1.0, w[e % 4u] < 0x80000000u);
}
