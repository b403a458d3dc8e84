/**
 * Activations, softplus and log-densities in f32, twins of src/math/activations.ts and
 * src/math/densities.ts. lgamma: shift x up to >= 8 with the recurrence, then Stirling's series
 * (error ~1e-7 relative in f32), since WGSL has no lgamma.
 */
export const mathWgsl = /* wgsl */ `
const HALF_LOG_TWO_PI: f32 = 0.91893853320467274;
const GELU_C: f32 = 0.7978845608028654;

fn softplus(x: f32) -> f32 {
  return max(x, 0.0) + log(1.0 + exp(-abs(x)));
}

fn gelu_tanh(x: f32) -> f32 {
  return 0.5 * x * (1.0 + tanh(GELU_C * (x + 0.044715 * x * x * x)));
}

fn sigmoid(x: f32) -> f32 {
  return 1.0 / (1.0 + exp(-x));
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
`;

/** WGSL expression of an activation applied to 'pre'; 'slope' names the leaky/PReLU slope. */
export function activationExpression(activation: string, pre: string, slope: string): string {
  switch (activation) {
    case 'relu':
      return `max(${pre}, 0.0)`;
    case 'tanh':
      return `tanh(${pre})`;
    case 'sigmoid':
      return `sigmoid(${pre})`;
    case 'gelu':
      return `gelu_tanh(${pre})`;
    case 'leaky_relu':
    case 'prelu':
      return `select(${slope} * ${pre}, ${pre}, ${pre} > 0.0)`;
    case 'identity':
      return pre;
    default:
      throw new Error(`no WGSL for activation '${activation}'`);
  }
}
