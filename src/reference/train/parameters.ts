/**
 * A model's parameters read out of θ layer by layer (src/objective/layout.ts) in the layer-local
 * [W, b] order of the weight stream, and gradients scattered back into θ's order.
 */
import { DEFAULT_LEAKY_SLOPE } from '../../model/spec.js';
import type { TrainLayerLayout, TrainLayout } from '../../objective/layout.js';

/** θ index of element e of the layer-local [W, b] space: loc (W or W_loc, b or b_loc) or, for 'vi', rho. */
export function thetaIndex(layer: TrainLayerLayout, e: number, rho: boolean): number {
  const w = layer.units * layer.inputs;
  if (e < w) return (rho ? layer.weightRho : layer.weight) + e;
  return (rho ? layer.biasRho : layer.bias) + e - w;
}

/** The layer's [W, b] locs (or rhos) from θ, in the layer-local order of the weight stream. */
export function gatherLayer(theta: Float64Array, layer: TrainLayerLayout, rho: boolean): Float64Array {
  return Float64Array.from({ length: layer.units * (layer.inputs + 1) }, (_, e) => theta[thetaIndex(layer, e, rho)] ?? NaN);
}

/** Negative-side slope per unit: PReLU's from θ, leaky_relu's constant, unused (0) otherwise. */
export function layerSlopes(theta: Float64Array, layer: TrainLayerLayout): Float64Array {
  if (layer.prelu >= 0) return theta.slice(layer.prelu, layer.prelu + layer.units);
  return new Float64Array(layer.units).fill(layer.activation === 'leaky_relu' ? DEFAULT_LEAKY_SLOPE : 0);
}

/** The network's layer parameters at θ's locs (no draws): for tests and for checking pre-activations. */
export function locParams(layout: TrainLayout, theta: Float64Array): { params: Float64Array[]; slopes: Float64Array[] } {
  return {
    params: layout.layers.map((layer) => gatherLayer(theta, layer, false)),
    slopes: layout.layers.map((layer) => layerSlopes(theta, layer)),
  };
}

/** a[i] += v for a typed array (noUncheckedIndexedAccess makes the read possibly undefined). */
export function addAt(a: Float64Array, i: number, v: number): void {
  a[i] = (a[i] ?? 0) + v;
}

export const zerosLike = (arrays: readonly Float64Array[]): Float64Array[] => arrays.map((a) => new Float64Array(a.length));

/** Add the layer-local [W, b] gradients into θ's gradient at the loc indices. */
export function scatterLoc(layout: TrainLayout, gParams: readonly Float64Array[], grad: Float64Array): void {
  layout.layers.forEach((layer, l) => {
    const g = gParams[l] ?? new Float64Array(0);
    for (let e = 0; e < g.length; e++) addAt(grad, thetaIndex(layer, e, false), g[e] ?? 0);
  });
}
