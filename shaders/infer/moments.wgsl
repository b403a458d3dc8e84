// Moments of f and the noise variance per (n, d) over a chunk's samples (Welford), merged into the
// running accumulators `acc` (3 floats per (n, d): mean, M2, mean noise variance) with Chan,
// Golub & LeVeque's pairwise update, so any number of sample chunks fold in without keeping
// samples. STORE_SAMPLES also writes each sample's f and scale (returnSamples, quantiles);
// DRAW_OBSERVATIONS a draw of y = f + scale * eps (Pyro's Predictive 'obs') from the observation
// stream at element (global input) * D + d, so it depends on neither chunking nor kernel.
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
    let f = f_of(s, n, d);
    let sc = scale_of(s, n, d);
    let count = f32(s + 1u);
    let delta = f - mean;
    mean = mean + delta / count;
    m2 = m2 + delta * (f - mean);
    mean_var = mean_var + (sc * sc - mean_var) / count;
#if STORE_SAMPLES
    f_out[(s * chunk.nCount + n) * D + d] = f;
    scale_out[(s * chunk.nCount + n) * D + d] = sc;
#endif
#if DRAW_OBSERVATIONS
    let e = (chunk.nOffset + n) * D + d;
    y_out[(s * chunk.nCount + n) * D + d] = f + sc * normals4(e / 4u, chunk.sampleOffset + s, STREAM_OBSERVATION, seed_key())[e % 4u];
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
