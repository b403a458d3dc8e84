// The gradient a layer passes down, stored as the previous layer's dz (so no separate dz program runs
// for it): acc = (W^T dz)_i of input i for (model m, K-sample k, batch slot b), times this layer's
// input mask (define DROPOUT) and the previous layer's activation derivative (that layer's
// activation define; PRELU_OFFSET its slopes). Define KEEP_DH (a PReLU layer below, whose slope
// gradient train/prelu-grad reads dh) writes dh as well; STORE_Z: that layer stored z (layer.ts
// needsPreActivation), else h stands in for it. Constants: IN, PREV_ACT_OFFSET,
// MASK_OFFSET. Needs train/slope.
fn store_prev_grad(m: u32, k: u32, b: u32, i: u32, acc: f32) {
  let at = PREV_ACT_OFFSET + ((m * K + k) * B + b) * IN + i;
#if DROPOUT
  let d = acc * masks[MASK_OFFSET + (m * B + b) * IN + i];
#else
  let d = acc;
#endif
#if KEEP_DH
  dh[at] = d;
#endif
#if STORE_Z
  dz[at] = d * activate_grad(z[at], h[at], unit_slope(m, i));
#else
  dz[at] = d * activate_grad(h[at], h[at], unit_slope(m, i));
#endif
}
