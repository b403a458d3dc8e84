// Flipout (src/objective/index.ts, VI ESTIMATORS): the shared perturbation s * E of W (j, i) for
// model m's K-sample k, and the sign vectors of batch slot b: input sign q_i, output sign r_j.
// Constants: IN, DRAWN_OFFSET, FLIP_OFFSET (the layer in the flip buffer), FLIP_WIDTH = IN + OUT.
// Needs train/posterior.
fn delta_at(m: u32, k: u32, j: u32, i: u32) -> f32 {
  return std_at(m, j, i) * eps[(m * K + k) * PW + DRAWN_OFFSET + j * IN + i];
}

fn flip_in(m: u32, k: u32, b: u32, i: u32) -> f32 {
  return flip[FLIP_OFFSET + ((m * K + k) * B + b) * FLIP_WIDTH + i];
}

fn flip_out(m: u32, k: u32, b: u32, j: u32) -> f32 {
  return flip[FLIP_OFFSET + ((m * K + k) * B + b) * FLIP_WIDTH + IN + j];
}
