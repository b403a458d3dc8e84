// A model's random stream (src/random/train-streams.ts), from its constants and the Step uniform:
// the 4th Philox counter word of its draws (its stream identity ModelHyper.stream + 1), and the
// sample index of its draws at this step (its own step count, epoch * stepsPerEpoch + stepInEpoch),
// so neither depends on the other models of the call; and the 16-bit halves of 'mc-dropout''s mask
// blocks. Needs train/step and the models binding.
fn model_word(m: u32) -> u32 {
  return models[m].stream + 1u;
}

fn model_step(m: u32) -> u32 {
  return step.epoch * models[m].stepsPerEpoch + step.stepInEpoch;
}

// 'mc-dropout''s mask of batch slot 8 k + h of a unit is 16-bit half h of the unit's block k, the
// low half of word h / 2 first (src/random/train-streams.ts, trainDropoutHalf).
fn dropout_half(words: vec4<u32>, h: u32) -> u32 {
  return (words[h >> 1u] >> (16u * (h & 1u))) & 0xffffu;
}
