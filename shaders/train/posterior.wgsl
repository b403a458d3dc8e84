// 'vi': the posterior loc of W (j, i) and its std softplus(rho), read from θ for model m.
// Constants: IN, WEIGHT_OFFSET, WEIGHT_RHO_OFFSET. Needs lib/math.
fn loc_at(m: u32, j: u32, i: u32) -> f32 {
  return theta[m * P + WEIGHT_OFFSET + j * IN + i];
}

fn std_at(m: u32, j: u32, i: u32) -> f32 {
  return softplus(theta[m * P + WEIGHT_RHO_OFFSET + j * IN + i]);
}
