// Activations, softplus and log-densities in f32: the twins of src/math/activations.ts and
// src/math/densities.ts. The activations cannot overflow for any finite input (WGSL's tanh is NaN
// past |x| ~ 89 on SwiftShader; exp overflows at 88.7). lgamma: the recurrence up to x >= 8, then
// Stirling's series (~1e-7 relative in f32), as WGSL has no lgamma. Needs the constants TANH_CLAMP
// and GELU_SATURATION.
const HALF_LOG_TWO_PI: f32 = 0.91893853320467274;
const GELU_C: f32 = 0.7978845608028654;

fn softplus(x: f32) -> f32 {
  return max(x, 0.0) + log(1.0 + exp(-abs(x)));
}

fn tanh_safe(x: f32) -> f32 {
  return tanh(clamp(x, -TANH_CLAMP, TANH_CLAMP));
}

fn gelu_tanh(x: f32) -> f32 {
  if (x > GELU_SATURATION) {
    return x;
  }
  if (x < -GELU_SATURATION) {
    return 0.0;
  }
  return 0.5 * x * (1.0 + tanh_safe(GELU_C * (x + 0.044715 * x * x * x)));
}

fn gelu_tanh_grad(x: f32) -> f32 {
  if (x > GELU_SATURATION) {
    return 1.0;
  }
  if (x < -GELU_SATURATION) {
    return 0.0;
  }
  let th = tanh_safe(GELU_C * (x + 0.044715 * x * x * x));
  return 0.5 * (1.0 + th) + 0.5 * x * (1.0 - th * th) * GELU_C * (1.0 + 3.0 * 0.044715 * x * x);
}

fn sigmoid(x: f32) -> f32 {
  let e = exp(-abs(x));
  return select(e / (1.0 + e), 1.0 / (1.0 + e), x >= 0.0);
}

// SiLU (swish) x sigmoid(x) and its derivative s (1 + x (1 - s)): products of bounded factors.
fn silu(x: f32) -> f32 {
  return x * sigmoid(x);
}

fn silu_grad(x: f32) -> f32 {
  let s = sigmoid(x);
  return s * (1.0 + x * (1.0 - s));
}

fn normal_log_pdf(x: f32, loc: f32, scale: f32) -> f32 {
  let z = (x - loc) / scale;
  return -0.5 * z * z - log(scale) - HALF_LOG_TWO_PI;
}

fn lognormal_log_pdf(x: f32, loc: f32, scale: f32) -> f32 {
  if (x <= 0.0) {
    return -3.4028234663852886e38;
  }
  let lx = log(x);
  return normal_log_pdf(lx, loc, scale) - lx;
}

fn lgamma(x0: f32) -> f32 {
  var x = x0;
  var shift = 0.0;
  // Recurrence lgamma(x) = lgamma(x + 1) - log(x), accumulated as one product to save logs.
  var product = 1.0;
  while (x < 8.0) {
    product = product * x;
    x = x + 1.0;
    if (product > 1e30) {
      shift = shift + log(product);
      product = 1.0;
    }
  }
  shift = shift + log(product);
  let inv = 1.0 / x;
  let inv2 = inv * inv;
  let series = inv * (1.0 / 12.0 - inv2 * (1.0 / 360.0 - inv2 * (1.0 / 1260.0 - inv2 / 1680.0)));
  return (x - 0.5) * log(x) - x + HALF_LOG_TWO_PI + series - shift;
}

fn gamma_log_pdf(x: f32, concentration: f32, rate: f32) -> f32 {
  if (x <= 0.0) {
    return -3.4028234663852886e38;
  }
  return concentration * log(rate) - lgamma(concentration) + (concentration - 1.0) * log(x) - rate * x;
}

/**
 * log(1 + x) for x >= 0. WGSL has no log1p, and its log is only held to 2^-21 absolute near 1, so
 * log(1 + x) for small x would lose all relative accuracy: below 1/64 the series x - x^2/2 + ...
 * (truncated after x^5: error < x^6/6, under 2^-24 relative there) is used instead.
 */
fn log1p_nonnegative(x: f32) -> f32 {
  if (x < 0.015625) {
    return x * (1.0 - x * (0.5 - x * (1.0 / 3.0 - x * (0.25 - x * 0.2))));
  }
  return log(1.0 + x);
}

/** log(1 + z^2) without overflowing z^2: 2 log|z| + log1p(1/z^2) past |z| = 1. */
fn log1p_square(z: f32) -> f32 {
  let a = abs(z);
  if (a <= 1.0) {
    return log1p_nonnegative(a * a);
  }
  let inv = 1.0 / a;
  return 2.0 * log(a) + log1p_nonnegative(inv * inv);
}

const LOG_TWO: f32 = 0.69314718055994531;
const LOG_PI: f32 = 1.1447298858494002;

/**
 * The sigma priors' densities (src/math/densities.ts has the float64 twins). Their support is [0,
 * inf) (uniform: [low, high)); outside it the log density is -inf, which the caller supplies as
 * neg_inf (WGSL refuses an infinite constant, so it is made at run time). (0.5 z) z rather than
 * 0.5 z^2 keeps the square from overflowing before the result does.
 */
fn half_normal_log_pdf(x: f32, scale: f32, neg_inf: f32) -> f32 {
  if (x < 0.0) {
    return neg_inf;
  }
  let z = x / scale;
  return LOG_TWO - (0.5 * z) * z - log(scale) - HALF_LOG_TWO_PI;
}

fn half_cauchy_log_pdf(x: f32, scale: f32, neg_inf: f32) -> f32 {
  if (x < 0.0) {
    return neg_inf;
  }
  return LOG_TWO - LOG_PI - log(scale) - log1p_square(x / scale);
}

fn exponential_log_pdf(x: f32, rate: f32, neg_inf: f32) -> f32 {
  if (x < 0.0) {
    return neg_inf;
  }
  return log(rate) - rate * x;
}

fn uniform_log_pdf(x: f32, low: f32, high: f32, neg_inf: f32) -> f32 {
  if (x < low || x >= high) {
    return neg_inf;
  }
  return -log(high - low);
}
