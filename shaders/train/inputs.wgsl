// Input i of a layer for (model m, K-sample k, batch slot b) as the layer sees it: the gathered x
// (define FIRST_LAYER) or the previous layer's output, times its dropout mask (define DROPOUT).
// Constants: IN, PREV_ACT_OFFSET (the previous layer in the activation buffers), MASK_OFFSET.
fn input_at(m: u32, k: u32, b: u32, i: u32) -> f32 {
#if FIRST_LAYER
  let raw = xb[(m * B + b) * IN + i];
#else
  let raw = h[PREV_ACT_OFFSET + ((m * K + k) * B + b) * IN + i];
#endif
#if DROPOUT
  return raw * masks[MASK_OFFSET + (m * B + b) * IN + i];
#else
  return raw;
#endif
}
