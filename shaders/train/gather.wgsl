// The step's minibatch of every model (src/objective/index.ts, MINIBATCHES): slot b of model m
// reads row permute(stepInEpoch * BD + b) of the model's rows, standardised with the model's own
// statistics. Slots past the model's rows, and with adversarial training the copies' slots BD..
// (filled by train/adversarial), are zeroed and marked invalid. Targets: TY floats per row
// (standardised with yMean 0 / yStd 1 for the likelihoods that are not standardised). Constants:
// IN0 (input dim), TY, BD (data rows per step), STREAM_SHUFFLE. Needs lib/philox, lib/shuffle,
// train/model-stream.
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let t = flat_index(gid, groups);
  if (t >= M * B) {
    return;
  }
  let m = t / B;
  let b = t % B;
  let n_m = models[m].rowCount;
  let position = step.stepInEpoch * BD + b;
  let in_batch = b < BD && step.stepInEpoch < models[m].stepsPerEpoch && position < n_m;
  valid[t] = select(0.0, 1.0, in_batch);
  if (!in_batch) {
    for (var i = 0u; i < IN0; i++) {
      xb[t * IN0 + i] = 0.0;
    }
    for (var j = 0u; j < TY; j++) {
      yb[t * TY + j] = 0.0;
    }
    return;
  }
  let keys = philox4x32(vec4<u32>(0u, step.epoch, STREAM_SHUFFLE, model_word(m)), seed_key());
  let row = rows[models[m].rowOffset + permute(position, n_m, keys)];
  for (var i = 0u; i < IN0; i++) {
    xb[t * IN0 + i] = (data_x[row * IN0 + i] - x_mean[m * IN0 + i]) / x_std[m * IN0 + i];
  }
  for (var j = 0u; j < TY; j++) {
    yb[t * TY + j] = (data_y[row * TY + j] - models[m].yMean) / models[m].yStd;
  }
}
