// A model's random stream (src/random/train-streams.ts), from its constants and the Step uniform:
// the 4th Philox counter word of its draws (its stream identity ModelHyper.stream + 1), and the
// sample index of its draws at this step (its own step count, epoch * stepsPerEpoch + stepInEpoch),
// so neither depends on the other models of the call. Needs train/step and the models binding.
fn model_word(m: u32) -> u32 {
  return models[m].stream + 1u;
}

fn model_step(m: u32) -> u32 {
  return step.epoch * models[m].stepsPerEpoch + step.stepInEpoch;
}
