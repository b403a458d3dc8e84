// 'vi': a layer's weights drawn for every (model, K-sample), w = loc + softplus(rho) * eps, keeping
// eps for the gradient. Element e is the layer-local [W, b] index. Constants: COUNT (= W + b
// elements), STREAM, WEIGHT_COUNT, WEIGHT_OFFSET, WEIGHT_RHO_OFFSET, BIAS_OFFSET, BIAS_RHO_OFFSET,
// DRAWN_OFFSET. Needs lib/random, lib/math, train/model-stream.
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let t = flat_index(gid, groups);
  if (t >= M * K * COUNT) {
    return;
  }
  let mk = t / COUNT;
  let e = t % COUNT;
  let m = mk / K;
  let k = mk % K;
  let z = normals4w(e / 4u, model_step(m) * K + k, STREAM, model_word(m), seed_key())[e % 4u];
  let base = m * P;
  var loc: f32;
  var rho: f32;
  if (e < WEIGHT_COUNT) {
    loc = theta[base + WEIGHT_OFFSET + e];
    rho = theta[base + WEIGHT_RHO_OFFSET + e];
  } else {
    loc = theta[base + BIAS_OFFSET + e - WEIGHT_COUNT];
    rho = theta[base + BIAS_RHO_OFFSET + e - WEIGHT_COUNT];
  }
  let at = mk * PW + DRAWN_OFFSET + e;
  drawn[at] = loc + softplus(rho) * z;
  eps[at] = z;
}
