// A classifier's reductions per (n, d) over a chunk's samples, merged into `acc` (4 floats per
// (n, d)): the mean probability and its M2 (Welford, merged across sample chunks by Chan, Golub &
// LeVeque's pairwise update, as moments.wgsl), the mean entropy term e(p) and the fraction of
// samples whose most probable outcome is d (src/infer/classification.ts defines them).
// STORE_SAMPLES also writes each sample's logits (returnSamples); DRAW_OBSERVATIONS a draw of y from
// the observation stream (lib/observation-draws): bernoulli at element (global input) * D + d, a
// categorical class (by the inverse CDF, one per input: thread d = 0) at element (global input).
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
  var mean_entropy = 0.0;
  var votes = 0.0;
  for (var s = 0u; s < chunk.sampleCount; s++) {
    let f = logit_of(s, n, d);
#if CATEGORICAL
    // Class d's term of the sample's entropy, -p log p with log p finite (categorical_entropy's terms).
    var lp = log_softmax(logits_of(s, n));
    let log_p = lp[d];
    let p = exp(log_p);
    let e = -p * log_p;
    let vote = select(0.0, 1.0, is_modal(s, n, d));
#else
    let p = sigmoid(f);
    let e = bernoulli_entropy(f);
    let vote = select(0.0, 1.0, f > 0.0);
#endif
    let count = f32(s + 1u);
    let delta = p - mean;
    mean = mean + delta / count;
    m2 = m2 + delta * (p - mean);
    mean_entropy = mean_entropy + (e - mean_entropy) / count;
    votes = votes + (vote - votes) / count;
#if STORE_SAMPLES
    f_out[(s * chunk.nCount + n) * D + d] = f;
#endif
#if DRAW_OBSERVATIONS
#if CATEGORICAL
    if (d == 0u) {
      let u = observation_uniform(chunk.sampleOffset + s, chunk.nOffset + n, seed_key());
      var cumulative = 0.0;
      var drawn = 0u;
      var last = 0u;
      var found = false;
      for (var k = 0u; k < CLASSES; k++) {
        let pk = exp(lp[k]);
        if (pk > 0.0) {
          last = k;
        }
        cumulative = cumulative + pk;
        if (!found && u < cumulative) {
          drawn = k;
          found = true;
        }
      }
      y_out[s * chunk.nCount + n] = f32(select(last, drawn, found));
    }
#else
    y_out[(s * chunk.nCount + n) * D + d] = bernoulli_draw(chunk.sampleOffset + s, (chunk.nOffset + n) * D + d, seed_key(), p);
#endif
#endif
  }
  let a = idx * 4u;
  if (chunk.samplesBefore == 0u) {
    acc[a] = mean;
    acc[a + 1u] = m2;
    acc[a + 2u] = mean_entropy;
    acc[a + 3u] = votes;
    return;
  }
  let na = f32(chunk.samplesBefore);
  let nb = f32(chunk.sampleCount);
  let total = na + nb;
  let delta = mean - acc[a];
  acc[a] = acc[a] + delta * (nb / total);
  acc[a + 1u] = acc[a + 1u] + m2 + delta * delta * (na * nb / total);
  acc[a + 2u] = acc[a + 2u] + (mean_entropy - acc[a + 2u]) * (nb / total);
  acc[a + 3u] = acc[a + 3u] + (votes - acc[a + 3u]) * (nb / total);
}
