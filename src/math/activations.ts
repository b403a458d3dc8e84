/**
 * Scalar definitions of the activations and link functions, in float64. The WGSL kernels implement
 * the same formulas (shaders/lib/activations.wgsl.ts); the oracle uses these.
 *
 * gelu is the tanh approximation (torch's approximate='tanh'): WGSL has no erf, and one formula on
 * both sides keeps GPU and oracle comparable sample by sample.
 */
import type { Activation } from '../model/spec.js';

const GELU_C = Math.sqrt(2 / Math.PI);

export function applyActivation(act: Activation, x: number, slope: number): number {
  switch (act) {
    case 'relu':
      return x > 0 ? x : 0;
    case 'tanh':
      return Math.tanh(x);
    case 'sigmoid':
      return 1 / (1 + Math.exp(-x));
    case 'gelu':
      return 0.5 * x * (1 + Math.tanh(GELU_C * (x + 0.044715 * x * x * x)));
    case 'leaky_relu':
    case 'prelu':
      return x > 0 ? x : slope * x;
    case 'identity':
      return x;
  }
}

/** softplus(x) = log(1 + e^x), stable for large |x|. */
export function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}
