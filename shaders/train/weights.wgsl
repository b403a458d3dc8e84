// Weight (j, i) and bias j of a layer as model m's K-sample k sees them in the forward pass: the
// step's draw ('vi' with a weight draw shared by the batch: define DRAWN) or θ itself. Constants:
// IN, WEIGHT_COUNT, WEIGHT_OFFSET, BIAS_OFFSET (θ), DRAWN_OFFSET (the layer in a drawn slot).
fn weight_at(m: u32, k: u32, j: u32, i: u32) -> f32 {
#if DRAWN
  return drawn[(m * K + k) * PW + DRAWN_OFFSET + j * IN + i];
#else
  return theta[m * P + WEIGHT_OFFSET + j * IN + i];
#endif
}

fn bias_at(m: u32, k: u32, j: u32) -> f32 {
#if DRAWN
  return drawn[(m * K + k) * PW + DRAWN_OFFSET + WEIGHT_COUNT + j];
#else
  return theta[m * P + BIAS_OFFSET + j];
#endif
}
