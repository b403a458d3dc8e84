// Per (sample, input) log-likelihood of a classifier's labels (validated on the host): CATEGORICAL,
// log softmax(f)[y] with y the class index (one per input); else bernoulli, the sum over outputs.
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let t = flat_index(gid, groups);
  let s = t / chunk.nCount;
  let n = t % chunk.nCount;
  if (s >= chunk.sampleCount) {
    return;
  }
#if CATEGORICAL
  let total = categorical_log_lik(logits_of(s, n), u32(y[n]));
#else
  var total = 0.0;
  for (var d = 0u; d < D; d++) {
    total = total + bernoulli_log_lik(logit_of(s, n, d), y[n * D + d]);
  }
#endif
  ll[s * chunk.nCount + n] = total;
}
