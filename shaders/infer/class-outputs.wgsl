// A classifier's outputs of (sample s, input n): the logits (the last layer's raw units, never
// standardised) and the log-probability of outcome d. CATEGORICAL: log softmax over the D logits
// (the max subtracted, so no exp overflows); else bernoulli: log sigmoid(f_d) = -softplus(-f_d).
// Constants: D, LAST (the last layer's padded width).
fn logit_of(s: u32, n: u32, d: u32) -> f32 {
  return act[(s * chunk.nCount + n) * LAST + d];
}

#if CATEGORICAL
// log of softmax's normaliser: max + log sum exp(f_k - max).
fn log_normaliser(s: u32, n: u32) -> f32 {
  var m = logit_of(s, n, 0u);
  for (var k = 1u; k < D; k++) {
    m = max(m, logit_of(s, n, k));
  }
  var sum = 0.0;
  for (var k = 0u; k < D; k++) {
    sum = sum + exp(logit_of(s, n, k) - m);
  }
  return m + log(sum);
}

// Whether d is the sample's most probable class (the first largest logit, as the oracle's argmax).
fn is_modal(s: u32, n: u32, d: u32) -> bool {
  let f = logit_of(s, n, d);
  for (var k = 0u; k < D; k++) {
    let g = logit_of(s, n, k);
    if (g > f || (g == f && k < d)) {
      return false;
    }
  }
  return true;
}
#endif
