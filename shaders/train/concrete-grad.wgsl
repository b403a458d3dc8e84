// Concrete dropout: the data term's gradient over layer l's dropout logit θ (src/objective/concrete.ts),
// Σ_(b,i) (W^T dz)_bi (x m)_bi (p − z_bi / T) over the step's valid rows, with (x m) the masked input
// and z the unit's drop probability redrawn from train/masks's word; added into grad, where the loss
// program wrote the regulariser's part. One workgroup per model: its threads stride over the
// (batch slot, input unit) pairs, then reduce in workgroup memory. K = 1 (a point method).
// Constants: IN, OUT, ACT_OFFSET, STREAM, LOGIT_OFFSET. Needs lib/philox, lib/math, train/model-stream,
// train/concrete, train/inputs, train/weights.
var<workgroup> partial: array<f32, WORKGROUP_SIZE>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let m = wid.x + wid.y * groups.x;
  var sum = 0.0;
  if (m < M) {
    let logit = theta[m * P + LOGIT_OFFSET];
    let p = sigmoid(logit);
    for (var e = lid; e < B * IN; e += WORKGROUP_SIZE) {
      let b = e / IN;
      let i = e % IN;
      if (valid[m * B + b] == 0.0) {
        continue;
      }
      let base = ACT_OFFSET + (m * B + b) * OUT;
      var d_in = 0.0;
      for (var j = 0u; j < OUT; j++) {
        d_in = d_in + weight_at(m, 0u, j, i) * dz[base + j];
      }
      let word = philox4x32(vec4<u32>(e / 4u, model_step(m), STREAM, model_word(m)), seed_key())[e % 4u];
      let z = concrete_drop(logit, concrete_noise(word));
      sum = sum + d_in * input_at(m, 0u, b, i) * (p - z / TEMPERATURE);
    }
  }
  partial[lid] = sum;
  workgroupBarrier();
  for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride = stride / 2u) {
    if (lid < stride) {
      partial[lid] = partial[lid] + partial[lid + stride];
    }
    workgroupBarrier();
  }
  if (lid == 0u && m < M) {
    grad[m * P + LOGIT_OFFSET] = grad[m * P + LOGIT_OFFSET] + partial[0];
  }
}
