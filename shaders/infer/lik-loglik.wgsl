// Per (sample, input) log-likelihood of the chunk's targets (validated on the host) under
// STUDENT_T (sum_d log StudentT(y | df, f, scale)), BETA (sum_d log Beta(y | alpha, beta)) or
// DIRICHLET (log Dir(y | alpha) of the row).
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let t = flat_index(gid, groups);
  let s = t / chunk.nCount;
  let n = t % chunk.nCount;
  if (s >= chunk.sampleCount) {
    return;
  }
#if DIRICHLET
  var observed: array<f32, CLASSES>;
  for (var k = 0u; k < CLASSES; k++) {
    observed[k] = y[n * D + k];
  }
  let total = dirichlet_log_lik(raw_row(s, n), observed, MIN_CONC);
#else
  var total = 0.0;
  for (var d = 0u; d < D; d++) {
#if STUDENT_T
    total = total + student_t_log_pdf(y[n * D + d], f_of(s, n, d), scale_of(s, n, d), DF);
#else
    total = total + beta_log_lik(raw_of(s, n, d), raw_of(s, n, D + d), y[n * D + d], MIN_CONC);
#endif
  }
#endif
  ll[s * chunk.nCount + n] = total;
}
