// The moments of y per (n, d) for a likelihood whose sample has a mean and a variance of its own
// (STUDENT_T, BETA, DIRICHLET): over the chunk's samples, Welford on each sample's mean (the
// epistemic spread) and the running mean of each sample's variance (the aleatoric part), merged
// across sample chunks into `acc` (3 floats per (n, d)) as moments.wgsl does. Student-t with
// df <= 2 has no variance; its aleatoric part is then the scale squared (README: likelihoods).
// STORE_SAMPLES writes each sample's mean (returnSamples); DRAW_OBSERVATIONS a draw of y from the
// observation stream (lib/observation-draws) at element (global input) * D + d (a Dirichlet's
// Gamma draws at (global input) * K + k). Constants: D, LAST, DF, MIN_CONC.
fn draw_y(s: u32, n: u32, d: u32) -> f32 {
  let gs = chunk.sampleOffset + s;
  let e = (chunk.nOffset + n) * D + d;
#if STUDENT_T
  return student_t_draw(gs, e, seed_key(), f_of(s, n, d), scale_of(s, n, d), DF);
#elif BETA
  return beta_draw(gs, e, seed_key(), concentration(raw_of(s, n, d), MIN_CONC), concentration(raw_of(s, n, D + d), MIN_CONC));
#else
  // Dirichlet: the softmax of the K log Gamma(alpha_k) draws, component d.
  var a = concentrations(raw_row(s, n), MIN_CONC);
  var log_g: array<f32, CLASSES>;
  var m = -3.4028234663852886e38;
  for (var k = 0u; k < CLASSES; k++) {
    log_g[k] = log_gamma_draw_at(gs, (chunk.nOffset + n) * D + k, seed_key(), a[k]);
    m = max(m, log_g[k]);
  }
  var sum = 0.0;
  for (var k = 0u; k < CLASSES; k++) {
    sum = sum + exp(log_g[k] - m);
  }
  return exp(log_g[d] - m) / sum;
#endif
}
fn sample_moments(s: u32, n: u32, d: u32) -> vec2<f32> {
#if STUDENT_T
  let sc = scale_of(s, n, d);
  let mv = student_t_moments(f_of(s, n, d), sc, DF);
  return vec2<f32>(mv.x, select(mv.y, sc * sc, mv.y < 0.0));
#elif BETA
  return beta_moments(raw_of(s, n, d), raw_of(s, n, D + d), MIN_CONC);
#else
  var raw = raw_row(s, n);
  var mean = dirichlet_mean(raw, MIN_CONC);
  var variance = dirichlet_variance(raw, MIN_CONC);
  return vec2<f32>(mean[d], variance[d]);
#endif
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let idx = gid.x;
  if (idx >= chunk.nCount * D) {
    return;
  }
  let n = idx / D;
  let d = idx % D;
  var mean = 0.0;
  var m2 = 0.0;
  var mean_var = 0.0;
  for (var s = 0u; s < chunk.sampleCount; s++) {
    let mv = sample_moments(s, n, d);
    let count = f32(s + 1u);
    let delta = mv.x - mean;
    mean = mean + delta / count;
    m2 = m2 + delta * (mv.x - mean);
    mean_var = mean_var + (mv.y - mean_var) / count;
#if STORE_SAMPLES
    f_out[(s * chunk.nCount + n) * D + d] = mv.x;
#endif
#if DRAW_OBSERVATIONS
    y_out[(s * chunk.nCount + n) * D + d] = draw_y(s, n, d);
#endif
  }
  let a = idx * 3u;
  if (chunk.samplesBefore == 0u) {
    acc[a] = mean;
    acc[a + 1u] = m2;
    acc[a + 2u] = mean_var;
    return;
  }
  let na = f32(chunk.samplesBefore);
  let nb = f32(chunk.sampleCount);
  let total = na + nb;
  let delta = mean - acc[a];
  acc[a] = acc[a] + delta * (nb / total);
  acc[a + 1u] = acc[a + 1u] + m2 + delta * delta * (na * nb / total);
  acc[a + 2u] = acc[a + 2u] + (mean_var - acc[a + 2u]) * (nb / total);
}
