/**
 * Where every model quantity lives on the GPU: one read-only `params` buffer holding all tensors,
 * per-sample weight slots for the materialised path and per-sample dropout-mask slots. Offsets are
 * compile-time constants of the kernels (the architecture is fixed for an engine's lifetime). No
 * GPU code here: the kernels (src/kernels/infer) read this description.
 */
import type { Activation, LikelihoodKind, LikelihoodSpec, Model, NoiseSpec } from './spec.js';
import { likelihoodKind, layerInputs, outputDim, scaleLikelihood, targetDim, tensorNames } from './spec.js';
import { dropoutKeepThreshold } from '../random/streams.js';

export interface LayerLayout {
  readonly index: number;
  readonly inputs: number;
  readonly units: number;
  /**
   * Row strides rounded up to a multiple of 4: activations are stored [s][n][unitsPadded] and the
   * materialised weights [unitsPadded][inputsPadded], so kernels can load vec4s. Padding is zero.
   */
  readonly inputsPadded: number;
  readonly unitsPadded: number;
  readonly activation: Activation;
  readonly leakySlope: number;
  readonly dropout: number;
  readonly keepThreshold: number;
  readonly weightIsNormal: boolean;
  readonly biasIsNormal: boolean;
  /** Offsets into `params` (in floats); -1 when absent. */
  readonly weightLoc: number;
  readonly weightScale: number;
  readonly biasLoc: number;
  readonly biasScale: number;
  readonly preluSlope: number;
  readonly preluCount: number;
  readonly bnScale: number;
  readonly bnShift: number;
  /** Offset of this layer's padded weights ([unitsPadded][inputsPadded]) then biases ([unitsPadded]) within one sample's slot of `weights`. */
  readonly sampleWeightOffset: number;
  /** units*inputs + units. */
  readonly paramCount: number;
  /** Offset of this layer's input mask within one sample's slot of the `masks` buffer; -1 without dropout. */
  readonly maskOffset: number;
}

export interface NoiseLayout {
  readonly spec: NoiseSpec;
  readonly link: 'sigma' | 'sigma2';
  /** Offsets into `params` of sigma (fixed), (loc, scale) (lognormal, logitnormal) or (concentration, rate) (gamma); -1 when unused. */
  readonly first: number;
  readonly second: number;
  /** Offset into `params` of (low, high), the interval of a logitnormal sigma; -1 for other kinds. */
  readonly bounds: number;
}

export interface ModelLayout {
  readonly inputDim: number;
  readonly layers: readonly LayerLayout[];
  readonly params: Float32Array;
  /** Floats in one sample's weight slot (all layers). */
  readonly weightsPerSample: number;
  /** Floats in one sample's mask slot (inputs of all dropout layers); 0 without dropout. */
  readonly masksPerSample: number;
  /** The observation model's kind: which output and reduction programs a predict runs. */
  readonly likelihood: LikelihoodKind;
  /** Its parameters (Student-t df, Beta / Dirichlet minConcentration): compile-time constants of the predict programs. */
  readonly likelihoodSpec: LikelihoodSpec;
  /** The noise model of a Normal or Student-t likelihood; null for the others (no observation scale). */
  readonly noise: NoiseLayout | null;
  readonly outputDim: number;
  /** Width of one row of y (targetDim: 1 for a categorical model's class index). */
  readonly targetDim: number;
  readonly lastUnits: number;
  /** Widest padded activation row (floats), input included. */
  readonly maxUnits: number;
  readonly lastUnitsPadded: number;
  readonly inputDimPadded: number;
  /** Offsets into `params` of the output de-standardisation (D floats each; 0 and 1 without standardisation). */
  readonly yMeanOffset: number;
  readonly yStdOffset: number;
}

export function buildModelLayout(model: Model): ModelLayout {
  const { spec, tensors } = model;
  const chunks: Float32Array[] = [];
  let cursor = 0;
  const place = (name: string): number => {
    const tensor = tensors.get(name);
    if (!tensor) return -1;
    // Every tensor starts on a 4-float boundary, so kernels may read it as vec4s (sample_weights).
    if (cursor % 4 !== 0) {
      chunks.push(new Float32Array(4 - (cursor % 4)));
      cursor = pad4(cursor);
    }
    const offset = cursor;
    chunks.push(tensor.data);
    cursor += tensor.data.length;
    return offset;
  };
  let weightCursor = 0;
  let maskCursor = 0;
  const layers = spec.layers.map((layer, index): LayerLayout => {
    const inputs = layerInputs(spec, index);
    const paramCount = layer.units * inputs + layer.units;
    const weightIsNormal = layer.weight.posterior === 'normal';
    const biasIsNormal = layer.bias.posterior === 'normal';
    const preluSlope = layer.activation === 'prelu' ? place(tensorNames.preluSlope(index)) : -1;
    const out: LayerLayout = {
      index,
      inputs,
      units: layer.units,
      inputsPadded: pad4(inputs),
      unitsPadded: pad4(layer.units),
      activation: layer.activation,
      leakySlope: layer.leakySlope,
      dropout: layer.dropout,
      keepThreshold: dropoutKeepThreshold(layer.dropout),
      weightIsNormal,
      biasIsNormal,
      weightLoc: place(tensorNames.weightLoc(index)),
      weightScale: weightIsNormal ? place(tensorNames.weightScale(index)) : -1,
      biasLoc: place(tensorNames.biasLoc(index)),
      biasScale: biasIsNormal ? place(tensorNames.biasScale(index)) : -1,
      preluSlope,
      preluCount: preluSlope >= 0 ? (tensors.get(tensorNames.preluSlope(index))?.data.length ?? 0) : 0,
      bnScale: layer.batchNorm ? place(tensorNames.bnScale(index)) : -1,
      bnShift: layer.batchNorm ? place(tensorNames.bnShift(index)) : -1,
      sampleWeightOffset: weightCursor,
      paramCount,
      maskOffset: layer.dropout > 0 ? maskCursor : -1,
    };
    weightCursor += (pad4(inputs) + 1) * pad4(layer.units);
    if (layer.dropout > 0) maskCursor += inputs;
    return out;
  });
  const scale = scaleLikelihood(spec.likelihood);
  let noise: NoiseLayout | null = null;
  if (scale) {
    const noiseSpec = scale.noise;
    let first = -1;
    let second = -1;
    let bounds = -1;
    if (noiseSpec.kind === 'fixed') {
      first = cursor;
      chunks.push(Float32Array.of(noiseSpec.sigma));
      cursor += 1;
    } else if (noiseSpec.kind === 'lognormal') {
      first = place(tensorNames.noiseLoc);
      second = place(tensorNames.noiseScale);
    } else if (noiseSpec.kind === 'logitnormal') {
      first = place(tensorNames.noiseLoc);
      second = place(tensorNames.noiseScale);
      bounds = cursor;
      chunks.push(Float32Array.of(noiseSpec.low, noiseSpec.high));
      cursor += 2;
    } else if (noiseSpec.kind === 'gamma') {
      first = place(tensorNames.noiseConcentration);
      second = place(tensorNames.noiseRate);
    }
    noise = { spec: noiseSpec, link: scale.link, first, second, bounds };
  }
  const D = outputDim(spec);
  // y standardisation belongs to the real-valued likelihoods (Normal, Student-t); the others read their outputs raw.
  const std = scale ? spec.standardization : null;
  const yMeanOffset = cursor;
  chunks.push(Float32Array.from(std ? std.yMean : new Array<number>(D).fill(0)));
  const yStdOffset = cursor + D;
  chunks.push(Float32Array.from(std ? std.yStd : new Array<number>(D).fill(1)));
  cursor += 2 * D;
  const params = new Float32Array(cursor);
  let at = 0;
  for (const c of chunks) {
    params.set(c, at);
    at += c.length;
  }
  const last = spec.layers[spec.layers.length - 1];
  return {
    inputDim: spec.inputDim,
    layers,
    params,
    weightsPerSample: weightCursor,
    masksPerSample: maskCursor,
    likelihood: likelihoodKind(spec.likelihood),
    likelihoodSpec: spec.likelihood,
    noise,
    outputDim: D,
    targetDim: targetDim(spec),
    lastUnits: last?.units ?? 0,
    lastUnitsPadded: pad4(last?.units ?? 0),
    inputDimPadded: pad4(spec.inputDim),
    maxUnits: Math.max(pad4(spec.inputDim), ...spec.layers.map((l) => pad4(l.units))),
    yMeanOffset,
    yStdOffset,
  };
}

export function pad4(n: number): number {
  return Math.ceil(n / 4) * 4;
}
