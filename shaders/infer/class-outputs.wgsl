// A classifier's outputs of (sample s, input n): the logits, the last layer's raw units (never
// standardised). The likelihood maths (log_softmax, log_sigmoid, entropies, log-likelihoods) is
// lib/likelihood's and lib/likelihood-classes'. Constants: D, LAST (the last layer's padded width);
// CATEGORICAL also CLASSES (= D, from likelihood-classes).
fn logit_of(s: u32, n: u32, d: u32) -> f32 {
  return act[(s * chunk.nCount + n) * LAST + d];
}

#if CATEGORICAL
fn logits_of(s: u32, n: u32) -> array<f32, CLASSES> {
  var f: array<f32, CLASSES>;
  for (var k = 0u; k < CLASSES; k++) {
    f[k] = logit_of(s, n, k);
  }
  return f;
}

// Whether d is the sample's most probable class: the first largest logit, as the oracle's argmax
// (the vote of the variation ratio).
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
