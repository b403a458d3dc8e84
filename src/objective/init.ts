/**
 * Initial θ of a model (index.ts, INITIALISATION): W (or W_loc) element at θ index e is
 * normalAt(key, 0, STREAM_INIT, e, modelWord(stream)) / sqrt(fan_in); biases 0; rho log(expm1(1e-3));
 * PReLU slopes 0.25; 'vi' sigma_loc log 0.5 and sigma_rho log(expm1(0.1)); 'map' log_sigma log 0.5;
 * hierarchical 'vi' log prior precision of every layer -2 log(priorScale) (the model's prior std);
 * 'concrete-dropout' log_sigma log 0.5 as 'map', and every layer's dropout logit log(p / (1 - p)) at the
 * model's initial rate p (ModelHyper.dropout, default 0.1).
 */
import type { Key } from '../random/draws.js';
import { normalAt } from '../random/draws.js';
import { STREAM_INIT, modelWord } from '../random/train-streams.js';
import { INIT_CONCRETE_DROPOUT, dropoutLogit } from './concrete.js';
import type { TrainLayout } from './layout.js';
import { INIT_DEGREES_OF_FREEDOM } from './likelihood.js';

export const INIT_RHO = Math.log(Math.expm1(1e-3));
export const INIT_PRELU_SLOPE = 0.25;
export const INIT_SIGMA_LOC = Math.log(0.5);
export const INIT_SIGMA_RHO = Math.log(Math.expm1(0.1));
export const INIT_LOG_SIGMA = Math.log(0.5);

/** Initial θ of the model with stream identity `stream` (ModelHyper.stream; default its index in the call). */
export function initialTheta(layout: TrainLayout, key: Key, stream: number, priorScale = 1, dropout = INIT_CONCRETE_DROPOUT): Float64Array {
  const theta = new Float64Array(layout.size);
  const word = modelWord(stream);
  for (const layer of layout.layers) {
    const w = layer.units * layer.inputs;
    const std = Math.sqrt(layer.inputs);
    for (let e = layer.weight; e < layer.weight + w; e++) theta[e] = normalAt(key, 0, STREAM_INIT, e, word) / std;
    if (layer.weightRho >= 0) theta.fill(INIT_RHO, layer.weightRho, layer.weightRho + w);
    if (layer.biasRho >= 0) theta.fill(INIT_RHO, layer.biasRho, layer.biasRho + layer.units);
    if (layer.prelu >= 0) theta.fill(INIT_PRELU_SLOPE, layer.prelu, layer.prelu + layer.units);
  }
  if (layout.noise < 0) {
    // A likelihood without a noise scale (layout.ts) has no noise parameters.
  } else if (layout.method === 'vi') {
    theta[layout.noise] = INIT_SIGMA_LOC;
    theta[layout.noise + 1] = INIT_SIGMA_RHO;
  } else if (layout.method === 'map' || layout.method === 'concrete-dropout') {
    theta[layout.noise] = INIT_LOG_SIGMA;
  }
  if (layout.degreesOfFreedom >= 0) theta[layout.degreesOfFreedom] = Math.log(INIT_DEGREES_OF_FREEDOM);
  // Written 0 - 2 log(priorScale) so that priorScale 1 gives +0 rather than -0.
  if (layout.precision >= 0) theta.fill(0 - 2 * Math.log(priorScale), layout.precision, layout.precision + layout.layers.length);
  if (layout.dropoutLogit >= 0) theta.fill(dropoutLogit(dropout), layout.dropoutLogit, layout.dropoutLogit + layout.layers.length);
  return theta;
}
