// The raw last-layer outputs of (sample s, input n) for the Beta and Dirichlet likelihoods (their
// concentrations come from them through lib/likelihood). Constant: LAST; DIRICHLET also CLASSES.
fn raw_of(s: u32, n: u32, k: u32) -> f32 {
  return act[(s * chunk.nCount + n) * LAST + k];
}

#if DIRICHLET
fn raw_row(s: u32, n: u32) -> array<f32, CLASSES> {
  var r: array<f32, CLASSES>;
  for (var k = 0u; k < CLASSES; k++) {
    r[k] = raw_of(s, n, k);
  }
  return r;
}
#endif
