// The statistics of the chunk's inputs into the planar `stats` buffer (src/infer/statistics.ts
// names the planes): mean, std, epistemic std, aleatoric std, the interval's ends, and with
// WITH_LPD the log predictive density; CLIP_UNIT clips the interval to [0, 1]. Constant: D.
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let idx = gid.x;
  if (idx >= chunk.nCount * D) {
    return;
  }
  let plane = chunk.totalInputs * D;
  let at = chunk.nOffset * D + idx;
  let mean = acc[3u * idx];
  let epistemic = sqrt(max(acc[3u * idx + 1u] / f32(chunk.totalSamples), 0.0));
  let aleatoric = sqrt(max(acc[3u * idx + 2u], 0.0));
  let total = sqrt(epistemic * epistemic + aleatoric * aleatoric);
  stats[at] = mean;
  stats[plane + at] = total;
  stats[2u * plane + at] = epistemic;
  stats[3u * plane + at] = aleatoric;
#if CLIP_UNIT
  // Beta and Dirichlet outcomes lie in [0, 1]: the moment-matched interval is clipped to it.
  stats[4u * plane + at] = max(mean - chunk.intervalZ * total, 0.0);
  stats[5u * plane + at] = min(mean + chunk.intervalZ * total, 1.0);
#else
  stats[4u * plane + at] = mean - chunk.intervalZ * total;
  stats[5u * plane + at] = mean + chunk.intervalZ * total;
#endif
#if WITH_LPD
  if (idx % D == 0u) {
    let n = idx / D;
    stats[6u * plane + chunk.nOffset + n] = lpd_acc[2u * n] + log(lpd_acc[2u * n + 1u]) - log(f32(chunk.totalSamples));
  }
#endif
}
