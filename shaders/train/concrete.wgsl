// Concrete dropout's relaxed masks (src/objective/concrete.ts): the logistic noise of a Philox
// word and the drop probability of a unit, twins of concreteNoise and concreteDrop. Constants:
// TEMPERATURE. Needs lib/math.

// g = log(c) − log(2^24 − c) with c = 2 (word >> 9) + 1: both odd integers below 2^24, exact in f32.
fn concrete_noise(word: u32) -> f32 {
  let c = f32(2u * (word >> 9u) + 1u);
  return log(c) - log(16777216.0 - c);
}

// z = sigmoid((θ + g) / T).
fn concrete_drop(logit: f32, noise: f32) -> f32 {
  return sigmoid((logit + noise) / TEMPERATURE);
}
