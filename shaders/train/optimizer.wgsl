// The update of every (model, θ element) of the models active this step: Adam, bias-corrected by
// the model's own update count (define ADAM), or SGD with momentum, at the step's scheduled rate
// times the model's own (src/objective/optimizer.ts has the constants). Constants: ADAM_BETA1,
// ADAM_BETA2, ADAM_EPSILON, ADAM_GRAD_WEIGHT1 = 1 - β1, ADAM_GRAD_WEIGHT2 = 1 - β2 (rounded from
// float64 on the host, as the literals they replace were), SGD_MOMENTUM.
// Define SAMPLER ('sgmcmc', src/objective/sampler.ts) in place of both: SGHMC's velocity v (in
// moment1) and θ, v ← (1 − α) v − ε g + sqrt(2 α ε T / N) ξ, θ ← θ + v, ξ the element's normal of the
// model's own step on its stream (src/random/train-streams.ts, STREAM_SAMPLER; train/model-stream) and no noise in a cycle's first
// EXPLORATION_STEPS of CYCLE_STEPS steps; SGLD is α = 1. Constants: KEEP_VELOCITY = 1 − α,
// NOISE_SCALE = 2 α T (rounded from float64), STREAM_SAMPLER, CYCLE_STEPS, EXPLORATION_STEPS.
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let t = flat_index(gid, groups);
  if (t >= M * P) {
    return;
  }
  let m = t / P;
  if (model_active[m] == 0.0) {
    return;
  }
  let g = grad[t] * clip[m];
  let lr = step.lr * models[m].lrScale;
#if ADAM
  let m1 = ADAM_BETA1 * moment1[t] + ADAM_GRAD_WEIGHT1 * g;
  let m2 = ADAM_BETA2 * moment2[t] + ADAM_GRAD_WEIGHT2 * g * g;
  moment1[t] = m1;
  moment2[t] = m2;
  // 1 - β^count, computed once per model by train/clip.
  let m_hat = m1 / adam_bias[2u * m];
  let v_hat = m2 / adam_bias[2u * m + 1u];
  theta[t] = theta[t] - lr * m_hat / (sqrt(v_hat) + ADAM_EPSILON);
#elif SAMPLER
  var v = KEEP_VELOCITY * moment1[t] - lr * g;
  if (step.t % CYCLE_STEPS >= EXPLORATION_STEPS) {
    let e = t % P;
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
