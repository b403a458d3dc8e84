// The network's output f and the observation scale of (sample s, input n, output d) in y's units
// (the output standardisation undone). A heteroscedastic head's second half gives sigma =
// softplus(raw) + MIN_SCALE; otherwise the noise kernel's per-sample scale (already linked).
// Constants: D, LAST (the last layer's padded width), Y_MEAN, Y_STD (offsets into params),
// MIN_SCALE. Defines: HETEROSCEDASTIC, LINK_SIGMA2.
fn f_of(s: u32, n: u32, d: u32) -> f32 {
  return params[Y_MEAN + d] + params[Y_STD + d] * act[(s * chunk.nCount + n) * LAST + d];
}

fn scale_of(s: u32, n: u32, d: u32) -> f32 {
#if HETEROSCEDASTIC
  let sigma = softplus(act[(s * chunk.nCount + n) * LAST + D + d]) + MIN_SCALE;
#if LINK_SIGMA2
  return params[Y_STD + d] * sigma * sigma;
#else
  return params[Y_STD + d] * sigma;
#endif
#else
  let sigma = scales[s];
  return params[Y_STD + d] * sigma;
#endif
}
