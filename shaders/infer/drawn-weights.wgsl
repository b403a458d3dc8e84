// What the kernels that draw a layer's weights themselves (fused, tiled) share. Constants:
// MASK_STRIDE, MASK_OFFSET. Defines: RANDOM (some element is drawn), HAS_MASK (dropout on the input).

// Element e of the layer's [W, b] from its normal draw eps (its location when nothing is drawn).
fn drawn_param(e: u32, eps: f32) -> f32 {
#if RANDOM
  return param_loc(e) + param_scale(e) * eps;
#else
  return param_loc(e);
#endif
}

// Sample s's dropout mask on input i (1 without dropout).
fn input_mask(s: u32, i: u32) -> f32 {
#if HAS_MASK
  return masks[s * MASK_STRIDE + MASK_OFFSET + i];
#else
  return 1.0;
#endif
}
