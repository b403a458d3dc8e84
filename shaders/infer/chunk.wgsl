// The Philox key of the predict call, from its chunk uniform.
fn seed_key() -> vec2<u32> {
  return vec2<u32>(chunk.seedLo, chunk.seedHi);
}
