// Per model: count the update, Adam's bias-correction denominators 1 - β^count (define ADAM; the
// optimizer divides each moment by them, so they are computed once per model, not per θ element)
// and the gradient-clipping factor min(1, CLIP_NORM / |g|) (define CLIP; 1 otherwise). Models with
// no rows this step are skipped.
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let m = flat_index(gid, groups);
  if (m >= M || model_active[m] == 0.0) {
    return;
  }
  let c = counts[m] + 1.0;
  counts[m] = c;
#if ADAM
  adam_bias[2u * m] = 1.0 - pow(ADAM_BETA1, c);
  adam_bias[2u * m + 1u] = 1.0 - pow(ADAM_BETA2, c);
#endif
#if CLIP
  var norm2 = 0.0;
  for (var e = 0u; e < P; e++) {
    let g = grad[m * P + e];
    norm2 = norm2 + g * g;
  }
  clip[m] = min(1.0, CLIP_NORM / max(sqrt(norm2), 1e-30));
#else
  clip[m] = 1.0;
#endif
}
