/**
 * The random draws of one training step of one model, addressed as src/random/train-streams.ts pins them
 * (4th Philox counter word = modelWord(stream), sample index from the model's own step), so the GPU
 * trainer draws the same numbers. The objective
 * takes them as data, which makes it a deterministic function of θ (finite differences, GPU checks).
 */
import { concreteNoise } from '../../objective/concrete.js';
import { normalAt, wordAt } from '../../random/draws.js';
import { STREAM_DROPOUT, STREAM_FLIP, STREAM_MARGINAL, STREAM_NOISE, STREAM_WEIGHTS, layerStream } from '../../random/streams.js';
import { modelWord, trainDropoutHalf, trainKeepThreshold } from '../../random/train-streams.js';
import type { ModelSetup, TrainingSetup } from './data.js';

export interface StepDraws {
  /**
   * Per layer, the inverted-dropout factor (0 or 1/(1-p)) of every (batch slot, input unit),
   * [rows, inputs]; null for no dropout ('mc-dropout' with p > 0 only).
   */
  readonly masks: readonly (Float64Array | null)[];
  /**
   * 'concrete-dropout': per layer, the logistic noise g (src/objective/concrete.ts, concreteNoise) of every
   * (batch slot, input unit), [rows, inputs], from the words of the layer's dropout stream, word
   * b * inputs + i (src/random/train-streams.ts); the objective makes the masks from it and θ's logits. Empty otherwise.
   */
  readonly concrete: readonly Float64Array[];
  /**
   * 'vi' with the 'reparameterization' or 'flipout' estimator: per K-sample, per layer, eps of the
   * layer-local [W (units*inputs), b (units)] elements; empty for 'local' (no shared weight draw).
   */
  readonly eps: readonly (readonly Float64Array[])[];
  /** 'vi': per K-sample, the standard normal z of log sigma = sigma_loc + softplus(sigma_rho) z (K = its length). */
  readonly noise: readonly number[];
  /**
   * 'vi' 'local': per K-sample, per layer, the pre-activation eps of every (batch slot b, unit j) at
   * b * units + j: normalAt(key, t*K + k, layerStream(l, STREAM_MARGINAL), b * units + j, stream + 1). Empty otherwise.
   */
  readonly marginal: readonly (readonly Float64Array[])[];
  /**
   * 'vi' 'flipout': per K-sample, per layer, the signs (+1 / -1) of every batch slot b at
   * b * (inputs + units) + c: input sign q_i at c = i, output sign r_j at c = inputs + j, from
   * wordAt(key, t*K + k, layerStream(l, STREAM_FLIP), b * (inputs + units) + c, stream + 1) < 2^31 ? +1 : -1. Empty otherwise.
   */
  readonly signs: readonly (readonly Float64Array[])[];
}

const TWO_POW_31 = 2147483648;

/**
 * Draws of model `model` at its own step t (epoch * its steps per epoch + step in the epoch, which
 * is the global step when it has as many steps per epoch as the call's longest model) for a batch
 * of `rows` slots.
 */
export function stepDraws(setup: TrainingSetup, model: ModelSetup, t: number, rows: number): StepDraws {
  const { layout, key } = setup;
  const word = modelWord(model.prepared.stream);
  const p = model.prepared.dropout;
  const threshold = trainKeepThreshold(p);
  const keep = 1 / (1 - p);
  const concrete = setup.method === 'concrete-dropout';
  const masks = layout.layers.map((layer) => {
    if (p === 0 || concrete) return null;
    const stream = layerStream(layer.index, STREAM_DROPOUT);
    const m = new Float64Array(rows * layer.inputs);
    for (let b = 0; b < rows; b++) {
      for (let i = 0; i < layer.inputs; i++) m[b * layer.inputs + i] = trainDropoutHalf(key, t, stream, b, i, layer.inputs, word) < threshold ? keep : 0;
    }
    return m;
  });
  const concreteDraws = concrete
    ? layout.layers.map((layer) => {
        const stream = layerStream(layer.index, STREAM_DROPOUT);
        return Float64Array.from({ length: rows * layer.inputs }, (_, e) => concreteNoise(wordAt(key, t, stream, e, word)));
      })
    : [];
  const eps: Float64Array[][] = [];
  const noise: number[] = [];
  const marginal: Float64Array[][] = [];
  const signs: Float64Array[][] = [];
  if (setup.method === 'vi') {
    const K = setup.run.samplesPerStep;
    const estimator = setup.viEstimator;
    for (let k = 0; k < K; k++) {
      const sample = t * K + k;
      if (estimator === 'local') {
        marginal.push(
          layout.layers.map((layer) => {
            const stream = layerStream(layer.index, STREAM_MARGINAL);
            return Float64Array.from({ length: rows * layer.units }, (_, e) => normalAt(key, sample, stream, e, word));
          }),
        );
      } else {
        eps.push(
          layout.layers.map((layer) => {
            const stream = layerStream(layer.index, STREAM_WEIGHTS);
            return Float64Array.from({ length: layer.units * layer.inputs + layer.units }, (_, e) => normalAt(key, sample, stream, e, word));
          }),
        );
      }
      if (estimator === 'flipout') {
        signs.push(
          layout.layers.map((layer) => {
            const stream = layerStream(layer.index, STREAM_FLIP);
            const length = rows * (layer.inputs + layer.units);
            return Float64Array.from({ length }, (_, e) => (wordAt(key, sample, stream, e, word) < TWO_POW_31 ? 1 : -1));
          }),
        );
      }
      // Element 0 of the noise stream is words (0, 1) of block (0, sample, STREAM_NOISE, word), cos branch.
      noise.push(normalAt(key, sample, STREAM_NOISE, 0, word));
    }
  }
  return { masks, concrete: concreteDraws, eps, noise, marginal, signs };
}
