// One training step's dropout masks, forward pass, loss and gradient of a one-hidden-layer network
// with one Normal output, fused: one workgroup per model (the 'fused' kernel strategy,
// src/kernels/train/fused.ts). The same maths and random streams as train/masks, train/forward,
// train/loss (loss-mc-dropout, loss-map), train/dz, train/weight-grad and train/param-grad, in
// another work split: lane j owns hidden unit j (its weights and their gradients stay in
// registers), and the batch goes through workgroup memory R rows at a time: the chunk's masked
// inputs (read by every lane at one address), the hidden layer's masked outputs and derivatives
// (lane j at column j), then one lane per row for the output and the loss's derivative in it.
// Nothing but θ's gradient, the loss and model_active is written to storage.
// Constants: IN0, HID, R (rows per chunk, a multiple of 8 so a chunk's masks start a Philox
// block), W0_OFFSET, B0_OFFSET, W1_OFFSET, B1_OFFSET, LOG_SIGMA_OFFSET, STREAM0, STREAM1 (the
// layers' dropout streams), LEAKY_SLOPE. Defines: DROPOUT, METHOD_MC_DROPOUT or METHOD_MAP
// (FIXED_SIGMA: σ = models[m].fixedSigma), the activation's. Needs lib/philox, lib/math,
// lib/activation, train/model-stream, train/one-hidden.

var<workgroup> chunk_x: array<f32, R * IN0>;
// First the hidden masks of the chunk, then the hidden outputs times them.
var<workgroup> chunk_h: array<f32, R * HID>;
// act'(z) times the mask: dz = dh_out * w_out * chunk_dh.
var<workgroup> chunk_dh: array<f32, R * HID>;
var<workgroup> chunk_g: array<f32, R>;
// Per lane: the penalty, the data loss and (METHOD_MAP) the log σ derivative.
var<workgroup> sums: array<vec3<f32>, WORKGROUP_SIZE>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>, @builtin(local_invocation_index) lane: u32) {
  let m = wid.x + wid.y * groups.x;
  if (m >= M) {
    return;
  }
  var nb = 0.0;
  for (var b = 0u; b < B; b++) {
    nb = nb + valid[m * B + b];
  }
  let owns_unit = lane < HID;
  let unit = min(lane, HID - 1u);
  var w: array<f32, IN0>;
  var g_w: array<f32, IN0>;
  for (var i = 0u; i < IN0; i++) {
    w[i] = theta[m * P + W0_OFFSET + unit * IN0 + i];
  }
  let bias = theta[m * P + B0_OFFSET + unit];
  let w_out = theta[m * P + W1_OFFSET + unit];
  let b_out = theta[m * P + B1_OFFSET];
  var g_bias = 0.0;
  var g_w_out = 0.0;
  var g_b_out = 0.0;
  var loss = 0.0;
  var d_u = 0.0;
#if METHOD_MAP
  let sigma = map_sigma(m);
#endif
  for (var r0 = 0u; r0 < B; r0 += R) {
    // The chunk's inputs times their masks: unit i's masks of 8 slots are one Philox block
    // (src/random/train-streams.ts), block ((r0 + 8 k) / 8) * IN0 + i for the chunk's row block k.
    for (var q = lane; q < (R / 8u) * IN0; q += WORKGROUP_SIZE) {
      let i = q % IN0;
      let k = q / IN0;
#if DROPOUT
      let words = philox4x32(vec4<u32>((r0 / 8u + k) * IN0 + i, model_step(m), STREAM0, model_word(m)), seed_key());
#endif
      for (var h = 0u; h < 8u; h++) {
        let b = r0 + 8u * k + h;
        if (b < B) {
#if DROPOUT
          chunk_x[(8u * k + h) * IN0 + i] = xb[(m * B + b) * IN0 + i] * keep_mask(dropout_half(words, h), m);
#else
          chunk_x[(8u * k + h) * IN0 + i] = xb[(m * B + b) * IN0 + i];
#endif
        }
      }
    }
#if DROPOUT
    for (var q = lane; q < (R / 8u) * HID; q += WORKGROUP_SIZE) {
      let u = q % HID;
      let k = q / HID;
      let words = philox4x32(vec4<u32>((r0 / 8u + k) * HID + u, model_step(m), STREAM1, model_word(m)), seed_key());
      for (var h = 0u; h < 8u; h++) {
        chunk_h[(8u * k + h) * HID + u] = keep_mask(dropout_half(words, h), m);
      }
    }
#endif
    workgroupBarrier();
    if (owns_unit) {
      for (var r = 0u; r < R; r++) {
        let b = r0 + r;
        // Rows outside the step get zeros, so the backward pass adds nothing for them.
        var out = 0.0;
        var d_out = 0.0;
        if (b < B && valid[m * B + b] != 0.0) {
          var z = bias;
          for (var i = 0u; i < IN0; i++) {
            z = z + w[i] * chunk_x[r * IN0 + i];
          }
          let h = activate(z, LEAKY_SLOPE);
#if DROPOUT
          let keep = chunk_h[r * HID + unit];
#else
          let keep = 1.0;
#endif
          out = h * keep;
          d_out = activate_grad(z, h, LEAKY_SLOPE) * keep;
        }
        chunk_h[r * HID + unit] = out;
        chunk_dh[r * HID + unit] = d_out;
      }
    }
    workgroupBarrier();
    if (lane < R) {
      let b = r0 + lane;
      var g = 0.0;
      if (b < B && valid[m * B + b] != 0.0) {
        var f = b_out;
        for (var j = 0u; j < HID; j++) {
          f = f + theta[m * P + W1_OFFSET + j] * chunk_h[lane * HID + j];
        }
        let res = yb[m * B + b] - f;
#if METHOD_MAP
        loss = loss + (0.5 * res * res / (sigma * sigma) + log(sigma) + HALF_LOG_TWO_PI) / nb;
        g = -res / (sigma * sigma) / nb;
        d_u = d_u + (1.0 - res * res / (sigma * sigma)) / nb;
#else
        loss = loss + res * res / nb;
        g = -2.0 * res / nb;
#endif
      }
      chunk_g[lane] = g;
    }
    workgroupBarrier();
    if (owns_unit) {
      for (var r = 0u; r < R; r++) {
        let g = chunk_g[r];
        g_w_out = g_w_out + g * chunk_h[r * HID + unit];
        let dz = g * w_out * chunk_dh[r * HID + unit];
        g_bias = g_bias + dz;
        for (var i = 0u; i < IN0; i++) {
          g_w[i] = g_w[i] + dz * chunk_x[r * IN0 + i];
        }
        g_b_out = g_b_out + g;
      }
    }
    workgroupBarrier();
  }
  var own_penalty = 0.0;
  if (owns_unit) {
    for (var i = 0u; i < IN0; i++) {
      own_penalty = own_penalty + penalty(m, w[i]);
      grad[m * P + W0_OFFSET + unit * IN0 + i] = g_w[i] + penalty_grad(m, w[i]);
    }
    own_penalty = own_penalty + penalty(m, bias) + penalty(m, w_out);
    grad[m * P + B0_OFFSET + unit] = g_bias + penalty_grad(m, bias);
    grad[m * P + W1_OFFSET + unit] = g_w_out + penalty_grad(m, w_out);
  }
  if (lane == 0u) {
    own_penalty = own_penalty + penalty(m, b_out);
    grad[m * P + B1_OFFSET] = g_b_out + penalty_grad(m, b_out);
  }
  sums[lane] = vec3<f32>(own_penalty, loss, d_u);
  workgroupBarrier();
  if (lane != 0u) {
    return;
  }
  var total = vec3<f32>(0.0);
  for (var l = 0u; l < WORKGROUP_SIZE; l++) {
    total = total + sums[l];
  }
  model_active[m] = select(0.0, 1.0, nb > 0.0);
  if (nb == 0.0) {
    return;
  }
#if METHOD_MAP
  let reported = total.y + total.x / models[m].n;
#if !FIXED_SIGMA
  grad[m * P + LOG_SIGMA_OFFSET] = total.z;
#endif
#else
  let reported = total.y + models[m].weightDecay * total.x;
#endif
  epoch_loss[2u * m] = epoch_loss[2u * m] + reported;
  epoch_loss[2u * m + 1u] = epoch_loss[2u * m + 1u] + 1.0;
}
