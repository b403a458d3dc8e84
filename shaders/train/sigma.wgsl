// 'vi': sigma per (model, K-sample), log sigma = sigma_loc + softplus(sigma_rho) z, with z from
// block 0 of the noise stream (cos branch), kept for the gradient. Constants: SIGMA_LOC_OFFSET,
// SIGMA_RHO_OFFSET, STREAM_NOISE. Needs lib/random, lib/math, train/model-stream.
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let t = flat_index(gid, groups);
  if (t >= M * K) {
    return;
  }
  let m = t / K;
  let k = t % K;
  let w = philox4x32(vec4<u32>(0u, model_step(m) * K + k, STREAM_NOISE, model_word(m)), seed_key());
  let z = box_muller(w.x, w.y).x;
  let u = theta[m * P + SIGMA_LOC_OFFSET] + softplus(theta[m * P + SIGMA_RHO_OFFSET]) * z;
  sig[2u * t] = exp(u);
  sig[2u * t + 1u] = z;
}
