// The data term of a heteroscedastic head (src/objective/index.ts, HETEROSCEDASTIC HEAD): 'ensemble''s,
// and that of 'vi', 'mc-dropout', 'map' and 'concrete-dropout' given the option: hetero_row(m, k, b, w)
// returns (−log p(y_b | μ, σ), its derivative in log df) at μ = output 0 and σ = softplus(output 1)
// + MIN_SCALE of (model m, K-sample k, batch slot b), and writes w × its gradient over both outputs
// into dh. Define STUDENT: y ~ StudentT(df, μ, σ) (train/student-t), else N(μ, σ) (the second
// component is then 0). Define BETA_NLL (TrainOptions.betaNll): both components and the gradient
// are weighted by σ^(2 NLL_BETA), a constant in the gradient (β-NLL, Seitzer et al. 2022).
// Constants: MIN_SCALE, NLL_BETA. Needs lib/math, train/outputs.
fn hetero_row(m: u32, k: u32, b: u32, w: f32) -> vec2<f32> {
  let raw = net_out(m, k, b, 1u);
  let sigma = softplus(raw) + MIN_SCALE;
  let mu = net_out(m, k, b, 0u);
  let y = yb[m * B + b];
#if BETA_NLL
  let beta_weight = pow(sigma, 2.0 * NLL_BETA);
#else
  let beta_weight = 1.0;
#endif
  let wb = w * beta_weight;
#if STUDENT
  let t = student_row(y, mu, sigma, student_df(m));
  set_d_out(m, k, b, 0u, wb * t.y);
  set_d_out(m, k, b, 1u, wb * t.z * sigmoid(raw));
  return beta_weight * vec2<f32>(t.x, t.w);
#else
  let r = y - mu;
  set_d_out(m, k, b, 0u, wb * (-r / (sigma * sigma)));
  set_d_out(m, k, b, 1u, wb * (1.0 / sigma - r * r / (sigma * sigma * sigma)) * sigmoid(raw));
  return vec2<f32>(beta_weight * (0.5 * r * r / (sigma * sigma) + log(sigma) + HALF_LOG_TWO_PI), 0.0);
#endif
}

// Zero gradient at both outputs of a row outside the step.
fn hetero_skip(m: u32, k: u32, b: u32) {
  set_d_out(m, k, b, 0u, 0.0);
  set_d_out(m, k, b, 1u, 0.0);
}
