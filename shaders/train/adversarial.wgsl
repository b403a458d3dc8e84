// Adversarial copies (src/objective/index.ts, ADVERSARIAL TRAINING): slot BD + b of model m gets
// x_b + step_m ⊙ sign(dx_b), the target and the validity of slot b. dx is the data term's
// gradient over the standardised inputs (train/input-grad); adv_step is adversarialEpsilon times
// each input's range in standardised units. One thread per (model, data slot). Constants: IN0, TY, BD.
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let t = flat_index(gid, groups);
  if (t >= M * BD) {
    return;
  }
  let m = t / BD;
  let src = m * B + t % BD;
  let dst = src + BD;
  valid[dst] = valid[src];
  for (var j = 0u; j < TY; j++) {
    yb[dst * TY + j] = yb[src * TY + j];
  }
  for (var i = 0u; i < IN0; i++) {
    xb[dst * IN0 + i] = xb[src * IN0 + i] + adv_step[m * IN0 + i] * sign(dx[src * IN0 + i]);
  }
}
