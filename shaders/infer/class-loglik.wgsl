// Per (sample, input) log-likelihood of a classifier's labels: CATEGORICAL, log softmax(f)[y] with
// y the class index (one per input); else bernoulli, sum_d log sigmoid(±f_d) = -softplus(∓f_d).
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let t = flat_index(gid, groups);
  let s = t / chunk.nCount;
  let n = t % chunk.nCount;
  if (s >= chunk.sampleCount) {
    return;
  }
#if CATEGORICAL
  let total = logit_of(s, n, u32(y[n])) - log_normaliser(s, n);
#else
  var total = 0.0;
  for (var d = 0u; d < D; d++) {
    let f = logit_of(s, n, d);
    total = total - softplus(select(f, -f, y[n * D + d] == 1.0));
  }
#endif
  ll[s * chunk.nCount + n] = total;
}
