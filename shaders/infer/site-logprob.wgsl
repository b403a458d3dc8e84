// Log prior of parameter values, one workgroup per latent site: the sum over the site's elements of
// the prior's log density (Normal for weights and biases; any sigma prior kind for sigma). Values are
// read from `params`; `sites` holds SITE_WORDS words per site: offset, count, kind (SITE_KIND_*),
// then two prior parameters as f32 bits (unused ones are 0). Needs lib/math.
const NEG_INF_BITS: u32 = 0xff800000u;
var<workgroup> partial: array<f32, WORKGROUP_SIZE>;

fn site_log_pdf(kind: u32, v: f32, p1: f32, p2: f32, neg_inf: f32) -> f32 {
  switch kind {
    case SITE_KIND_GAMMA: {
      return gamma_log_pdf(v, p1, p2);
    }
    case SITE_KIND_LOGNORMAL: {
      return lognormal_log_pdf(v, p1, p2);
    }
    case SITE_KIND_HALFNORMAL: {
      return half_normal_log_pdf(v, p1, neg_inf);
    }
    case SITE_KIND_HALFCAUCHY: {
      return half_cauchy_log_pdf(v, p1, neg_inf);
    }
    case SITE_KIND_EXPONENTIAL: {
      return exponential_log_pdf(v, p1, neg_inf);
    }
    case SITE_KIND_UNIFORM: {
      return uniform_log_pdf(v, p1, p2, neg_inf);
    }
    default: {
      return normal_log_pdf(v, p1, p2);
    }
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>) {
  let m = wid.x * SITE_WORDS;
  let offset = sites[m];
  let count = sites[m + 1u];
  let kind = sites[m + 2u];
  let p1 = bitcast<f32>(sites[m + 3u]);
  let p2 = bitcast<f32>(sites[m + 4u]);
  // -inf for values outside a prior's support. WGSL refuses an infinite constant expression, so the
  // bits are combined with a value read at run time (kind & 0u is 0, but not a constant).
  let neg_inf = bitcast<f32>(NEG_INF_BITS | (kind & 0u));
  var total = 0.0;
  for (var e = lid; e < count; e += WORKGROUP_SIZE) {
    total = total + site_log_pdf(kind, params[offset + e], p1, p2, neg_inf);
  }
  partial[lid] = total;
  workgroupBarrier();
  for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride = stride / 2u) {
    if (lid < stride) {
      partial[lid] = partial[lid] + partial[lid + stride];
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    site_lp[wid.x] = partial[0];
  }
}
