// The data term of a heteroscedastic head in 'vi', 'mc-dropout' and 'map' (src/objective/index.ts,
// HETEROSCEDASTIC HEAD; 'ensemble' has its own loop in train/loss-ensemble): hetero_row(m, k, b, w)
// returns (−log p(y_b | μ, σ), its derivative in log df) at μ = output 0 and σ = softplus(output 1)
// + MIN_SCALE of (model m, K-sample k, batch slot b), and writes w × its gradient over both outputs
// into dh. Define STUDENT: y ~ StudentT(df, μ, σ) (train/student-t), else N(μ, σ) (the second
// component is then 0). Constants: MIN_SCALE. Needs lib/math, train/outputs.
fn hetero_row(m: u32, k: u32, b: u32, w: f32) -> vec2<f32> {
  let raw = net_out(m, k, b, 1u);
  let sigma = softplus(raw) + MIN_SCALE;
  let mu = net_out(m, k, b, 0u);
  let y = yb[m * B + b];
#if STUDENT
  let t = student_row(y, mu, sigma, student_df(m));
  set_d_out(m, k, b, 0u, w * t.y);
  set_d_out(m, k, b, 1u, w * t.z * sigmoid(raw));
  return vec2<f32>(t.x, t.w);
#else
  let r = y - mu;
  set_d_out(m, k, b, 0u, w * (-r / (sigma * sigma)));
  set_d_out(m, k, b, 1u, w * (1.0 / sigma - r * r / (sigma * sigma * sigma)) * sigmoid(raw));
  return vec2<f32>(0.5 * r * r / (sigma * sigma) + log(sigma) + HALF_LOG_TWO_PI, 0.0);
#endif
}

// Zero gradient at both outputs of a row outside the step.
fn hetero_skip(m: u32, k: u32, b: u32) {
  set_d_out(m, k, b, 0u, 0.0);
  set_d_out(m, k, b, 1u, 0.0);
}
