// The observation scale of every sample of a chunk (before output de-standardisation): sigma from
// the fixed value, a LogNormal, LogitNormal or Gamma posterior, then the link (sigma or sigma^2).
// LogitNormal is AutoNormal's guide for an interval (low, high): sigma = low + (high - low) *
// sigmoid(u), u = loc + scale z, z the same normal a LogNormal sigma uses. Constants: FIRST,
// SECOND, BOUNDS (offsets into params). Defines: NOISE_FIXED, NOISE_LOGNORMAL, NOISE_LOGITNORMAL
// (else Gamma), LINK_SIGMA2.
fn draw_sigma(gs: u32) -> f32 {
#if NOISE_FIXED
  return params[FIRST];
#elif NOISE_LOGNORMAL
  return exp(params[FIRST] + params[SECOND] * noise_normal(gs, seed_key()));
#elif NOISE_LOGITNORMAL
  return params[BOUNDS] + (params[BOUNDS + 1u] - params[BOUNDS]) * sigmoid(params[FIRST] + params[SECOND] * noise_normal(gs, seed_key()));
#else
  return gamma_draw(gs, seed_key(), params[FIRST]) / params[SECOND];
#endif
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let s = gid.x;
  if (s >= chunk.sampleCount) {
    return;
  }
  let gs = chunk.sampleOffset + s;
  let sigma = draw_sigma(gs);
#if LINK_SIGMA2
  scales[s] = sigma * sigma;
#else
  scales[s] = sigma;
#endif
}
