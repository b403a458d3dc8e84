// The Student-t data term of the scale methods (src/objective/index.ts, LIKELIHOODS): y ~
// StudentT(df, f, σ) with σ as the Normal's for the method. student_row gives (−log p, and its
// derivatives in f, σ and log df) by lib/likelihood; df is fixed (constant DF) or learnt (define
// LEARN_DF: θ[DF_OFFSET] = log df, whose gradient set_df_grad writes). Needs lib/likelihood.
fn student_df(m: u32) -> f32 {
#if LEARN_DF
  return exp(theta[m * P + DF_OFFSET]);
#else
  return DF;
#endif
}

fn student_row(y: f32, f: f32, sigma: f32, df: f32) -> vec4<f32> {
  let g = student_t_nll_grad(y, f, sigma, df);
  return vec4<f32>(-student_t_log_pdf(y, f, sigma, df), g.x, g.y, g.w);
}

fn set_df_grad(m: u32, value: f32) {
#if LEARN_DF
  grad[m * P + DF_OFFSET] = value;
#else
  _ = value;
#endif
}
