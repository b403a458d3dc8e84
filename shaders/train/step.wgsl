// The Philox key of the training run, from its Step uniform.
fn seed_key() -> vec2<u32> {
  return vec2<u32>(step.seedLo, step.seedHi);
}
