// Per (sample, input) log-likelihood of the chunk's targets: sum_d log N(y | f, scale).
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let t = flat_index(gid, groups);
  let s = t / chunk.nCount;
  let n = t % chunk.nCount;
  if (s >= chunk.sampleCount) {
    return;
  }
  var total = 0.0;
  for (var d = 0u; d < D; d++) {
    total = total + normal_log_pdf(y[n * D + d], f_of(s, n, d), scale_of(s, n, d));
  }
  ll[s * chunk.nCount + n] = total;
}
