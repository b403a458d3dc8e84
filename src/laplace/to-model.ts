/**
 * Laplace posteriors as engine models, so the GPU samples their predictive with the existing kernels:
 * - 'diagonal': N(θ*, diag(H)⁻¹) over every weight and bias is the engine's mean-field 'normal'
 *   posterior: loc = θ*, scale = 1/sqrt(H_ii), the prior N(0, 1/δ) recorded; noise and the rest as
 *   'map' models have them (σ the tuned one).
 * - 'last-layer': S correlated draws of the last layer, θ_LL^(s) = θ*_LL + L⁻ᵀ z^(s) (H = L Lᵀ, so
 *   the draws have covariance H⁻¹), the earlier layers at θ*, each a delta model: predicted as an
 *   ensemble (Engine.create(ctx, models[]), the ensemble file). z^(s)_i = normalAt(key(seed), s,
 *   STREAM_LAPLACE, i, stream + 1) (src/random/train-streams.ts; the model's stream identity, ModelHyper.stream), i the index among the last layer's
 *   [W, b] in θ order.
 * - 'kfac': S draws of every layer, the deviation of each layer's [W | b] drawn in its Kronecker
 *   eigenbasis, M̂ = z ⊙ sqrt(Σ's eigenvalues), and rotated back, M = V_Q M̂ V_Aᵀ (kron.ts); z as
 *   for 'last-layer', i the index among all layers' eigenvalues (Curvature.ggn's order). Delta
 *   models again, an ensemble.
 */
import type { LayerSpec, Model, Tensor } from '../model/spec.js';
import { tensorNames } from '../model/spec.js';
import type { TrainLayout } from '../objective/layout.js';
import { thetaToModel, type TrainedModelInfo } from '../objective/to-model.js';
import { normalAt } from '../random/draws.js';
import { seedToKey } from '../random/streams.js';
import { modelWord, STREAM_LAPLACE } from '../random/train-streams.js';
import { fromEigenbasis, matrixToParams } from './kron.js';
import { solveUpperTransposed } from './linalg.js';
import type { LaplacePosterior } from './posterior.js';

/** The 'diagonal' posterior as one engine model with 'normal' weight and bias posteriors. */
export function diagonalModel(layout: TrainLayout, posterior: LaplacePosterior, info: TrainedModelInfo): Model {
  if (posterior.structure !== 'diagonal') throw new RangeError("internal: diagonalModel needs a 'diagonal' posterior");
  const base = thetaToModel(layout, posterior.theta, info);
  const scales = new Float64Array(layout.size);
  posterior.params.forEach((at, i) => (scales[at] = Math.sqrt(posterior.covariance[i] as number)));
  const tensors = new Map<string, Tensor>(base.tensors);
  const prior = { kind: 'normal', loc: 0, scale: 1 / Math.sqrt(posterior.priorPrecision) } as const;
  const layers = base.spec.layers.map((spec, l): LayerSpec => {
    const layer = layout.layers[l];
    if (!layer) throw new RangeError(`internal: layer ${l} is missing from the layout`);
    const w = layer.units * layer.inputs;
    tensors.set(tensorNames.weightScale(l), { shape: [layer.units, layer.inputs], data: Float32Array.from(scales.subarray(layer.weight, layer.weight + w)) });
    tensors.set(tensorNames.biasScale(l), { shape: [layer.units], data: Float32Array.from(scales.subarray(layer.bias, layer.bias + layer.units)) });
    return { ...spec, weight: { ...spec.weight, posterior: 'normal', prior }, bias: { ...spec.bias, posterior: 'normal', prior } };
  });
  return { spec: { ...base.spec, layers }, tensors };
}

/**
 * θ* moved by deviation(z^(s)) for s = 0..samples-1, z^(s) one standard normal per Laplace
 * parameter (normalAt on STREAM_LAPLACE, keyed by the model's stream identity; see the header).
 */
function drawsOf(posterior: LaplacePosterior, samples: number, seed: number, model: number, deviation: (z: Float64Array) => Float64Array): Float64Array[] {
  const P = posterior.params.length;
  const key = seedToKey(seed);
  return Array.from({ length: samples }, (_, s) => {
    const delta = deviation(Float64Array.from({ length: P }, (_, i) => normalAt(key, s, STREAM_LAPLACE, i, modelWord(model))));
    const theta = Float64Array.from(posterior.theta);
    posterior.params.forEach((at, i) => (theta[at] = (theta[at] as number) + (delta[i] as number)));
    return theta;
  });
}

/** The 'last-layer' posterior's draws θ^(s) (θ* with the last layer replaced), s = 0..samples-1. */
export function lastLayerDraws(posterior: LaplacePosterior, samples: number, seed: number, model: number): Float64Array[] {
  const L = posterior.precisionCholesky;
  if (posterior.structure !== 'last-layer' || !L) throw new RangeError("internal: lastLayerDraws needs a 'last-layer' posterior");
  return drawsOf(posterior, samples, seed, model, (z) => solveUpperTransposed(L, posterior.params.length, z));
}

/**
 * The 'kfac' deviation from θ* of standard normals z (one per eigenvalue, Curvature.ggn's order), in
 * the order of posterior.params: its covariance over z is the KFAC posterior's Σ.
 */
export function kfacDeviation(posterior: LaplacePosterior, z: ArrayLike<number>): Float64Array {
  if (posterior.structure !== 'kfac' || !posterior.kron) throw new RangeError("internal: kfacDeviation needs a 'kfac' posterior");
  const out = new Float64Array(posterior.params.length);
  let at = 0;
  for (const f of posterior.kron) {
    const size = f.units * f.inputs;
    const scaled = Float64Array.from({ length: size }, (_, e) => (z[at + e] as number) * Math.sqrt(posterior.covariance[at + e] as number));
    matrixToParams(f, fromEigenbasis(f, scaled), out, at);
    at += size;
  }
  return out;
}

/** The 'kfac' posterior's draws θ^(s) (θ* with every layer's [W, b] moved), s = 0..samples-1. */
export function kfacDraws(posterior: LaplacePosterior, samples: number, seed: number, model: number): Float64Array[] {
  return drawsOf(posterior, samples, seed, model, (z) => kfacDeviation(posterior, z));
}

/**
 * A 'last-layer' or 'kfac' posterior as `samples` delta models (an ensemble), the prior N(0, 1/δ)
 * recorded on the layers it covers (the last, or all).
 */
export function drawnModels(layout: TrainLayout, posterior: LaplacePosterior, info: TrainedModelInfo, samples: number, seed: number, model: number): Model[] {
  const last = layout.layers.length - 1;
  const prior = { kind: 'normal', loc: 0, scale: 1 / Math.sqrt(posterior.priorPrecision) } as const;
  const draws = posterior.structure === 'kfac' ? kfacDraws(posterior, samples, seed, model) : lastLayerDraws(posterior, samples, seed, model);
  return draws.map((theta) => {
    const m = thetaToModel(layout, theta, info);
    const layers = m.spec.layers.map((spec, l): LayerSpec =>
      l === last || posterior.structure === 'kfac' ? { ...spec, weight: { ...spec.weight, prior }, bias: { ...spec.bias, prior } } : spec,
    );
    return { spec: { ...m.spec, layers }, tensors: m.tensors };
  });
}
