// The negative-side slope of unit j of a layer for model m: PReLU's from θ (define ACT_PRELU,
// constant PRELU_OFFSET), else LEAKY_SLOPE (read by leaky_relu only).
fn unit_slope(m: u32, j: u32) -> f32 {
#if ACT_PRELU
  return theta[m * P + PRELU_OFFSET + j];
#else
  return LEAKY_SLOPE;
#endif
}
