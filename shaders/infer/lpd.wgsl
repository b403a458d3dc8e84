// Per input, a running logsumexp over samples of the log-likelihoods: (m, sum) with
// sum = sum_s exp(v_s - m), merged across sample chunks into lpd_acc. Constant: NEG_MAX (the
// starting maximum, -FLT_MAX).
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let n = gid.x;
  if (n >= chunk.nCount) {
    return;
  }
  var m = NEG_MAX;
  var sum = 0.0;
  for (var s = 0u; s < chunk.sampleCount; s++) {
    let v = ll[s * chunk.nCount + n];
    if (v > m) {
      sum = sum * exp(m - v) + 1.0;
      m = v;
    } else {
      sum = sum + exp(v - m);
    }
  }
  if (chunk.samplesBefore > 0u) {
    let ma = lpd_acc[2u * n];
    let sa = lpd_acc[2u * n + 1u];
    let mm = max(ma, m);
    sum = sa * exp(ma - mm) + sum * exp(m - mm);
    m = mm;
  }
  lpd_acc[2u * n] = m;
  lpd_acc[2u * n + 1u] = sum;
}
