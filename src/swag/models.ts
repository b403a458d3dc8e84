/**
 * SWAG's posterior as engine models. 'low-rank': each draw's θ (draws.ts) as a delta model of the
 * 'map' layout (src/objective/to-model.ts: point weights, fixed sigma exp(log σ) of that draw), the
 * draws together an ensemble of point samples (Engine.create(ctx, models), ensembleToBytes).
 * 'diagonal' (SWAG-Diagonal): one model whose weights and biases have the engine's mean-field
 * normal posterior, loc θ_SWA and scale sqrt(scale · Σ_diag), and whose noise (a 'map' layout's
 * log σ) is LogNormal(θ_SWA, sqrt(scale · Σ_diag)) of log σ, so the GPU samples it natively.
 * Parameters the engine holds as points in either form (PReLU slopes, a learnt Student-t df) take
 * their value at θ_SWA in the diagonal model and at each draw in the low-rank ensemble.
 */
import { PYRO_SIGMA_SITE } from '../model/pyro.js';
import { SCALAR_SHAPE } from '../model/shapes.js';
import { tensorNames, type LayerSpec, type LikelihoodSpec, type Model, type Tensor } from '../model/spec.js';
import type { TrainLayout } from '../objective/layout.js';
import type { SwagVariant } from '../objective/swag-options.js';
import { thetaToModel, type TrainedModelInfo } from '../objective/to-model.js';
import type { Key } from '../random/draws.js';
import { swagDraw } from './draws.js';
import type { SwagMoments } from './moments.js';

/** θ of `samples` draws of model m. */
export function swagDrawThetas(moments: SwagMoments, key: Key, model: number, samples: number, scale: number, variant: SwagVariant = 'low-rank'): Float64Array[] {
  return Array.from({ length: samples }, (_, s) => swagDraw(moments, key, model, s, scale, variant));
}

/** The draws as delta models of the layout (an ensemble of point samples). */
export function swagDrawModels(layout: TrainLayout, info: TrainedModelInfo, draws: readonly Float64Array[]): Model[] {
  return draws.map((theta) => thetaToModel(layout, theta, info));
}

function tensor(shape: readonly number[], values: ArrayLike<number>): Tensor {
  return { shape, data: Float32Array.from(values) };
}

/** SWAG-Diagonal: N(θ_SWA, scale · Σ_diag) as the engine's mean-field normal posterior. */
export function swagDiagonalModel(layout: TrainLayout, info: TrainedModelInfo, moments: SwagMoments, scale: number): Model {
  if (layout.method !== 'map') throw new RangeError(`internal: SWAG is fitted from a 'map' layout, got '${layout.method}'`);
  const base = thetaToModel(layout, moments.mean, info);
  const std = (from: number, length: number) => Array.from({ length }, (_, i) => Math.sqrt(scale * (moments.variance[from + i] as number)));
  const tensors = new Map(base.tensors);
  for (const layer of layout.layers) {
    tensors.set(tensorNames.weightScale(layer.index), tensor([layer.units, layer.inputs], std(layer.weight, layer.units * layer.inputs)));
    tensors.set(tensorNames.biasScale(layer.index), tensor([layer.units], std(layer.bias, layer.units)));
  }
  const layers = base.spec.layers.map((l): LayerSpec => ({ ...l, weight: { ...l.weight, posterior: 'normal' }, bias: { ...l.bias, posterior: 'normal' } }));
  let likelihood: LikelihoodSpec = base.spec.likelihood;
  if (layout.noise >= 0 && 'noise' in likelihood) {
    // log σ's SWAG marginal N(θ_SWA, scale Σ_diag) is a LogNormal posterior on σ; SWAG's prior on log σ is flat, as 'map''s.
    tensors.set(tensorNames.noiseLoc, tensor(SCALAR_SHAPE, [moments.mean[layout.noise] as number]));
    tensors.set(tensorNames.noiseScale, tensor(SCALAR_SHAPE, std(layout.noise, 1)));
    likelihood = { ...likelihood, noise: { kind: 'lognormal', site: PYRO_SIGMA_SITE }, sigmaPrior: null };
  }
  return { spec: { ...base.spec, layers, likelihood }, tensors };
}
