// The PReLU slope gradient of unit j of a layer for model m, Σ_k Σ_b dh · min(z, 0), written to
// grad. Constants: OUT, ACT_OFFSET, PRELU_OFFSET.
fn store_prelu_slope_grad(m: u32, j: u32) {
  var g = 0.0;
  for (var k = 0u; k < K; k++) {
    for (var b = 0u; b < B; b++) {
      let at = ACT_OFFSET + ((m * K + k) * B + b) * OUT + j;
      g = g + dh[at] * min(z[at], 0.0);
    }
  }
  grad[m * P + PRELU_OFFSET + j] = g;
}
