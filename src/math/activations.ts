/**
 * Scalar definitions of the activations and link functions, in float64. The WGSL kernels implement
 * the same formulas (shaders/lib/math.wgsl, shaders/lib/activation.wgsl); the oracle and the
 * training oracle use these.
 *
 * Every definition is total: no intermediate can overflow for any finite input, in float64 here or
 * in float32 on the GPU (WGSL's tanh inherits sinh/cosh's range and is NaN past |x| ~ 89 on
 * SwiftShader; exp overflows at 88.7). So:
 * - tanh is taken of x clamped to ±TANH_CLAMP, where tanh is 1 to float32 precision (and to 2e-13 in
 *   float64);
 * - sigmoid uses exp(-|x|), which only underflows;
 * - silu (swish) is x sigmoid(x): the product only underflows (to -0 far left, x far right);
 * - gelu is the tanh approximation (torch's approximate='tanh': WGSL has no erf, and one formula on
 *   both sides keeps GPU and oracle comparable sample by sample), equal to x above +GELU_SATURATION
 *   and 0 below -GELU_SATURATION (the formula's own values there are x and 0 to 1e-37), so its cubic
 *   never overflows.
 */

/** Every activation a layer may use; the WGSL twins are in shaders/lib/activation.wgsl. */
export const ACTIVATIONS = ['relu', 'tanh', 'sigmoid', 'gelu', 'leaky_relu', 'prelu', 'identity', 'silu'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

const GELU_C = Math.sqrt(2 / Math.PI);
const GELU_CUBIC = 0.044715;
/** |x| beyond which tanh(x) is ±1 in float32 (it is from |x| > 9.01). */
export const TANH_CLAMP = 15;
/** |x| beyond which gelu(x) is x (or 0): the formula's tanh argument is past 43 there. */
export const GELU_SATURATION = 10;

export function tanhSafe(x: number): number {
  return Math.tanh(Math.min(Math.max(x, -TANH_CLAMP), TANH_CLAMP));
}

export function sigmoid(x: number): number {
  const e = Math.exp(-Math.abs(x));
  return x >= 0 ? 1 / (1 + e) : e / (1 + e);
}

export function gelu(x: number): number {
  if (x > GELU_SATURATION) return x;
  if (x < -GELU_SATURATION) return 0;
  return 0.5 * x * (1 + tanhSafe(GELU_C * (x + GELU_CUBIC * x * x * x)));
}

/** d gelu / dx: 1 above the saturation and 0 below, as gelu itself. */
export function geluDerivative(x: number): number {
  if (x > GELU_SATURATION) return 1;
  if (x < -GELU_SATURATION) return 0;
  const t = tanhSafe(GELU_C * (x + GELU_CUBIC * x * x * x));
  return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * GELU_C * (1 + 3 * GELU_CUBIC * x * x);
}

/** SiLU (swish): x sigmoid(x), torch's nn.SiLU. */
export function silu(x: number): number {
  return x * sigmoid(x);
}

/** d silu / dx = s (1 + x (1 - s)) with s = sigmoid(x): bounded (|.| <= 1.1), never overflowing. */
export function siluDerivative(x: number): number {
  const s = sigmoid(x);
  return s * (1 + x * (1 - s));
}

export function applyActivation(act: Activation, x: number, slope: number): number {
  switch (act) {
    case 'relu':
      return x > 0 ? x : 0;
    case 'tanh':
      return tanhSafe(x);
    case 'sigmoid':
      return sigmoid(x);
    case 'gelu':
      return gelu(x);
    case 'silu':
      return silu(x);
    case 'leaky_relu':
    case 'prelu':
      return x > 0 ? x : slope * x;
    case 'identity':
      return x;
  }
}

/** d act(x) / dx (at a kink, the left side's: x <= 0 counts as negative). */
export function activationDerivative(act: Activation, x: number, slope: number): number {
  switch (act) {
    case 'relu':
      return x > 0 ? 1 : 0;
    case 'leaky_relu':
    case 'prelu':
      return x > 0 ? 1 : slope;
    case 'tanh': {
      const t = tanhSafe(x);
      return 1 - t * t;
    }
    case 'sigmoid': {
      const s = sigmoid(x);
      return s * (1 - s);
    }
    case 'gelu':
      return geluDerivative(x);
    case 'silu':
      return siluDerivative(x);
    case 'identity':
      return 1;
  }
}

/** softplus(x) = log(1 + e^x), stable for large |x|. */
export function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}
