// One activation, chosen by a define (ACT_RELU, ACT_TANH, ACT_SIGMOID, ACT_GELU, ACT_LEAKY,
// ACT_PRELU, ACT_SILU; none of them: identity), and its derivative. `slope` is the negative-side slope of
// leaky_relu and prelu (unused otherwise). Needs lib/math. The twin of src/math/activations.ts.
fn activate(z: f32, slope: f32) -> f32 {
#if ACT_RELU
  return max(z, 0.0);
#elif ACT_TANH
  return tanh_safe(z);
#elif ACT_SIGMOID
  return sigmoid(z);
#elif ACT_GELU
  return gelu_tanh(z);
#elif ACT_SILU
  return silu(z);
#elif ACT_LEAKY
  return select(slope * z, z, z > 0.0);
#elif ACT_PRELU
  return select(slope * z, z, z > 0.0);
#else
  return z;
#endif
}

// d activate / dz at pre-activation z with output h = activate(z) (kinks count as negative).
fn activate_grad(z: f32, h: f32, slope: f32) -> f32 {
#if ACT_RELU
  return select(0.0, 1.0, z > 0.0);
#elif ACT_TANH
  return 1.0 - h * h;
#elif ACT_SIGMOID
  return h * (1.0 - h);
#elif ACT_GELU
  return gelu_tanh_grad(z);
#elif ACT_SILU
  return silu_grad(z);
#elif ACT_LEAKY
  return select(slope, 1.0, z > 0.0);
#elif ACT_PRELU
  return select(slope, 1.0, z > 0.0);
#else
  return 1.0;
#endif
}
