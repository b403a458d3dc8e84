// A classifier's reductions of the chunk's inputs into the planar `stats` buffer
// (src/infer/statistics.ts CLASS_PLANES): mean probability, its variance over samples, the mean
// entropy term and the vote fraction per (n, d); with WITH_LPD the log predictive density.
// Constant: D.
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let idx = gid.x;
  if (idx >= chunk.nCount * D) {
    return;
  }
  let plane = chunk.totalInputs * D;
  let at = chunk.nOffset * D + idx;
  stats[at] = acc[4u * idx];
  stats[plane + at] = max(acc[4u * idx + 1u] / f32(chunk.totalSamples), 0.0);
  stats[2u * plane + at] = acc[4u * idx + 2u];
  stats[3u * plane + at] = acc[4u * idx + 3u];
#if WITH_LPD
  if (idx % D == 0u) {
    let n = idx / D;
    stats[4u * plane + chunk.nOffset + n] = lpd_acc[2u * n] + log(lpd_acc[2u * n + 1u]) - log(f32(chunk.totalSamples));
  }
#endif
}
