// A dense layer's parameters and unit finish, shared by its inference kernels. Constants: IN, OUT,
// IN_P, OUT_P (row strides padded to 4), WEIGHT_COUNT, PARAM_COUNT, W_LOC, B_LOC, W_SCALE, B_SCALE
// (offsets into params), and BN_SCALE, BN_SHIFT (BATCH_NORM), PRELU_SLOPE (ACT_PRELU),
// LEAKY_SLOPE. Defines: WEIGHT_NORMAL, BIAS_NORMAL (posterior scales present), BATCH_NORM,
// PRELU_PER_UNIT, and the activation's (lib/activation).

// Batch norm and the activation of unit j's pre-activation.
fn finish_unit(pre: f32, j: u32) -> f32 {
  var z = pre;
#if BATCH_NORM
  z = z * params[BN_SCALE + j] + params[BN_SHIFT + j];
#endif
  return activate(z, unit_slope(j));
}

fn unit_slope(j: u32) -> f32 {
#if ACT_PRELU
#if PRELU_PER_UNIT
  return params[PRELU_SLOPE + j];
#else
  return params[PRELU_SLOPE];
#endif
#else
  return LEAKY_SLOPE;
#endif
}

// Posterior scale of parameter element e (0 for a point-valued part).
fn param_scale(e: u32) -> f32 {
  if (e < WEIGHT_COUNT) {
#if WEIGHT_NORMAL
    return params[W_SCALE + e];
#else
    return 0.0;
#endif
  }
#if BIAS_NORMAL
  return params[B_SCALE + e - WEIGHT_COUNT];
#else
  return 0.0;
#endif
}

fn param_loc(e: u32) -> f32 {
  if (e < WEIGHT_COUNT) {
    return params[W_LOC + e];
  }
  return params[B_LOC + e - WEIGHT_COUNT];
}
