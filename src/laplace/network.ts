/**
 * The trained network in float64 on the host, for the Laplace approximation's curvature and the
 * linearised predictive: the forward pass of one (standardised) input row at θ (the 'map' layout,
 * objective/layout.ts) and the Jacobian of the outputs with respect to every weight and bias. PReLU
 * slopes, log sigma and log df are not Laplace parameters (they stay at their MAP values), so
 * their Jacobian columns are left zero.
 *
 * This is a production twin of the oracle's network (src/reference/train/network.ts), which the
 * library may not import (the oracle checks the library; ARCHITECTURE.md).
 */
import { activationDerivative, applyActivation } from '../math/activations.js';
import type { TrainLayout } from '../objective/layout.js';
import { DEFAULT_LEAKY_SLOPE } from '../model/spec.js';

/** One row's pass: per layer its input, pre-activation and output. */
export interface RowPass {
  readonly inputs: readonly Float64Array[];
  readonly pre: readonly Float64Array[];
  readonly out: Float64Array;
}

/** Negative slope of unit j of a layer: PReLU's from θ, leaky_relu's default, 0 for the rest (unused). */
function slopeOf(layout: TrainLayout, theta: ArrayLike<number>, l: number, j: number): number {
  const layer = layout.layers[l];
  if (!layer) return 0;
  if (layer.prelu >= 0) return theta[layer.prelu + j] ?? NaN;
  return layer.activation === 'leaky_relu' ? DEFAULT_LEAKY_SLOPE : 0;
}

/** The network's outputs (the last layer's units) at one standardised input row. */
export function forwardRow(layout: TrainLayout, theta: ArrayLike<number>, x: ArrayLike<number>): RowPass {
  let h = Float64Array.from(x);
  const inputs: Float64Array[] = [];
  const pre: Float64Array[] = [];
  layout.layers.forEach((layer, l) => {
    const z = new Float64Array(layer.units);
    const out = new Float64Array(layer.units);
    for (let j = 0; j < layer.units; j++) {
      let acc = theta[layer.bias + j] ?? NaN;
      const row = layer.weight + j * layer.inputs;
      for (let i = 0; i < layer.inputs; i++) acc += (theta[row + i] ?? NaN) * (h[i] as number);
      z[j] = acc;
      out[j] = applyActivation(layer.activation, acc, slopeOf(layout, theta, l, j));
    }
    inputs.push(h);
    pre.push(z);
    h = out;
  });
  return { inputs, pre, out: h };
}

/**
 * J [outputs x θ size], row-major: J[k, i] = d f_k / d θ_i at the pass's row for every weight and
 * bias (one backward pass per output unit); zero for θ entries that are not weights or biases.
 */
export function jacobianRow(layout: TrainLayout, theta: ArrayLike<number>, pass: RowPass): Float64Array {
  const K = layout.outputUnits;
  const P = layout.size;
  const J = new Float64Array(K * P);
  const last = layout.layers.length - 1;
  for (let k = 0; k < K; k++) {
    let delta = new Float64Array(K);
    delta[k] = 1;
    for (let l = last; l >= 0; l--) {
      const layer = layout.layers[l];
      const input = pass.inputs[l];
      const z = pass.pre[l];
      if (!layer || !input || !z) throw new RangeError(`internal: layer ${l} is missing from the pass`);
      const back = new Float64Array(layer.inputs);
      for (let j = 0; j < layer.units; j++) {
        const dz = (delta[j] as number) * activationDerivative(layer.activation, z[j] as number, slopeOf(layout, theta, l, j));
        if (dz === 0) continue;
        const row = layer.weight + j * layer.inputs;
        for (let i = 0; i < layer.inputs; i++) {
          J[k * P + row + i] = dz * (input[i] as number);
          back[i] = (back[i] as number) + dz * (theta[row + i] ?? NaN);
        }
        J[k * P + layer.bias + j] = dz;
      }
      delta = back;
    }
  }
  return J;
}
