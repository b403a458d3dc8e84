// The update of every (model, θ element) of the models active this step, a thread per 4 consecutive
// elements of one model (its clip factor, rates and Adam denominators loaded once for them; on
// SwiftShader an invocation's fixed cost and each load are tens of ns): Adam, bias-corrected by
// the model's own update count (define ADAM), or SGD with momentum, at the step's scheduled rate
// times the model's own (src/objective/optimizer.ts has the constants). Constants: ADAM_BETA1,
// ADAM_BETA2, ADAM_EPSILON, ADAM_GRAD_WEIGHT1 = 1 - β1, ADAM_GRAD_WEIGHT2 = 1 - β2 (rounded from
// float64 on the host, as the literals they replace were), SGD_MOMENTUM.
// Define SAMPLER ('sgmcmc', src/objective/sampler.ts) in place of both: SGHMC's velocity v (in
// moment1) and θ, v ← (1 − α) v − ε g + sqrt(2 α ε T / N) ξ, θ ← θ + v, ξ the element's normal of the
// model's own step on its stream (src/random/train-streams.ts, STREAM_SAMPLER; train/model-stream) and no noise in a cycle's first
// EXPLORATION_STEPS of CYCLE_STEPS steps; SGLD is α = 1. Constants: KEEP_VELOCITY = 1 − α,
// NOISE_SCALE = 2 α T (rounded from float64), STREAM_SAMPLER, CYCLE_STEPS, EXPLORATION_STEPS.
// Element e of model m (flat index t = m P + e), its gradient scaled by the model's clip factor.
fn update(m: u32, e: u32, scale: f32, lr: f32, bias1: f32, bias2: f32) {
  let t = m * P + e;
  let g = grad[t] * scale;
#if ADAM
  let m1 = ADAM_BETA1 * moment1[t] + ADAM_GRAD_WEIGHT1 * g;
  let m2 = ADAM_BETA2 * moment2[t] + ADAM_GRAD_WEIGHT2 * g * g;
  moment1[t] = m1;
  moment2[t] = m2;
  let m_hat = m1 / bias1;
  let v_hat = m2 / bias2;
  theta[t] = theta[t] - lr * m_hat / (sqrt(v_hat) + ADAM_EPSILON);
#elif SAMPLER
  var v = KEEP_VELOCITY * moment1[t] - lr * g;
  if (step.t % CYCLE_STEPS >= EXPLORATION_STEPS) {
    let xi = normals4w(e / 4u, model_step(m), STREAM_SAMPLER, model_word(m), seed_key())[e % 4u];
    v = v + sqrt(NOISE_SCALE * lr / models[m].n) * xi;
  }
  moment1[t] = v;
  theta[t] = theta[t] + v;
#else
  let u = SGD_MOMENTUM * moment1[t] + g;
  moment1[t] = u;
  theta[t] = theta[t] - lr * u;
#endif
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let quads = (P + 3u) / 4u;
  let t = flat_index(gid, groups);
  if (t >= M * quads) {
    return;
  }
  let m = t / quads;
  if (model_active[m] == 0.0) {
    return;
  }
  let scale = clip[m];
  let lr = step.lr * models[m].lrScale;
#if ADAM
  // 1 - β^count, computed once per model by train/clip.
  let bias1 = adam_bias[2u * m];
  let bias2 = adam_bias[2u * m + 1u];
#else
  let bias1 = 1.0;
  let bias2 = 1.0;
#endif
  let e0 = (t % quads) * 4u;
  update(m, e0, scale, lr, bias1, bias2);
  if (e0 + 1u < P) {
    update(m, e0 + 1u, scale, lr, bias1, bias2);
  }
  if (e0 + 2u < P) {
    update(m, e0 + 2u, scale, lr, bias1, bias2);
  }
  if (e0 + 3u < P) {
    update(m, e0 + 3u, scale, lr, bias1, bias2);
  }
}
