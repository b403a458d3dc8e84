// Exact quantiles of the posterior predictive: for each (n, d) the predictive of y is the uniform
// mixture over the S samples of N(f_s, scale_s^2); its quantile at level p solves
// (1/S) sum_s Phi((y - f_s) / scale_s) = p. One thread per (n, d) bisects STEPS times on
// [min_s(f_s - BRACKET scale_s), max_s(f_s + BRACKET scale_s)] (the mixture's CDF is below
// Phi(-10) ~ 8e-24 and above 1 - 8e-24 outside), reading the samples the moments kernel stored
// ([S, N, D]: f_all, scale_all). Constants: D, STEPS, BRACKET. Needs lib/normal-cdf. The float64
// twin is src/math/mixture-quantile.ts.
fn mixture_cdf(y: f32, idx: u32, plane: u32) -> f32 {
  var total = 0.0;
  for (var s = 0u; s < chunk.totalSamples; s++) {
    total = total + normal_cdf((y - f_all[s * plane + idx]) / scale_all[s * plane + idx]);
  }
  return total / f32(chunk.totalSamples);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let plane = chunk.totalInputs * D;
  let idx = gid.x;
  if (idx >= plane) {
    return;
  }
  var lo = 3.4028234663852886e38;
  var hi = -3.4028234663852886e38;
  for (var s = 0u; s < chunk.totalSamples; s++) {
    let f = f_all[s * plane + idx];
    let sc = scale_all[s * plane + idx];
    lo = min(lo, f - BRACKET * sc);
    hi = max(hi, f + BRACKET * sc);
  }
  // chunk.quantileCount, not arrayLength: buffers are padded and reused across calls.
  for (var q = 0u; q < chunk.quantileCount; q++) {
    let level = levels[q];
    var a = lo;
    var b = hi;
    for (var step = 0u; step < STEPS; step++) {
      let mid = 0.5 * (a + b);
      if (mixture_cdf(mid, idx, plane) < level) {
        a = mid;
      } else {
        b = mid;
      }
    }
    quantiles[q * plane + idx] = 0.5 * (a + b);
  }
}
