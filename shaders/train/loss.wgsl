// Per model: the step objective and its gradient over the network's outputs (into dh of the last
// layer) and over the noise parameters (into grad), by the method's model_loss (train/loss-*.wgsl).
// One thread per model; it marks the model active when the step has rows for it, and adds its
// reported loss to the epoch's (define ACCUMULATE; off in adversarial training's first pass, which
// only needs the gradient over the inputs), or with define STORE writes it there (epoch_loss[2m] =
// the loss, [2m + 1] = 1: 'hmc''s potential, read by train/hmc-accept).
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let m = flat_index(gid, groups);
  if (m >= M) {
    return;
  }
  var nb = 0.0;
  for (var b = 0u; b < B; b++) {
    nb = nb + valid[m * B + b];
  }
  model_active[m] = select(0.0, 1.0, nb > 0.0);
  if (nb == 0.0) {
    return;
  }
  let reported = model_loss(m, nb, models[m].n);
#if ACCUMULATE
  epoch_loss[2u * m] = epoch_loss[2u * m] + reported;
  epoch_loss[2u * m + 1u] = epoch_loss[2u * m + 1u] + 1.0;
#elif STORE
  epoch_loss[2u * m] = reported;
  epoch_loss[2u * m + 1u] = 1.0;
#else
  _ = reported;
#endif
}
