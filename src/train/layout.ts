/**
 * Where each trainable parameter sits in a model's unconstrained vector θ (types.ts gives the
 * order), and the layer shapes of the architecture. Shared by the GPU trainer, the float64 training
 * oracle and the θ -> Model conversion.
 */
import { InvalidInputError } from '../errors.js';
import { ACTIVATIONS, MAX_LAYERS, type Activation } from '../model/spec.js';
import { describeValue, integerOption } from '../options.js';
import type { ArchitectureSpec, TrainMethod } from './types.js';

export const TRAIN_METHODS: readonly TrainMethod[] = ['vi', 'mc-dropout', 'ensemble', 'map'];

/** Floor added to the ensemble head's softplus so sigma never reaches 0. */
export const ENSEMBLE_MIN_SCALE = 1e-3;

export interface TrainLayerLayout {
  readonly index: number;
  readonly inputs: number;
  readonly units: number;
  readonly activation: Activation;
  /** θ offsets: W (or W_loc) and b (or b_loc); rho offsets are -1 unless 'vi'; prelu -1 unless prelu. */
  readonly weight: number;
  readonly bias: number;
  readonly weightRho: number;
  readonly biasRho: number;
  readonly prelu: number;
  /** Offset of this layer's sampled [W, b] within one (model, K-sample) slot of drawn weights ('vi'). */
  readonly drawnOffset: number;
}

export interface TrainLayout {
  readonly method: TrainMethod;
  readonly layers: readonly TrainLayerLayout[];
  /** θ length per model. */
  readonly size: number;
  /** 'vi': sigma_loc, sigma_rho; 'map': log_sigma at `noise`; -1 when absent. */
  readonly noise: number;
  /** Hierarchical 'vi': log prior precision of layer l at precision + l; -1 when absent. */
  readonly precision: number;
  /** Floats of drawn [W, b] per (model, K-sample) ('vi'). */
  readonly drawnSize: number;
  readonly outputUnits: number;
  readonly maxUnits: number;
}

/** Widest layer (and input) a training run takes: each thread loops over a layer's inputs and units. */
export const MAX_TRAIN_WIDTH = 65536;

export function checkArchitecture(arch: ArchitectureSpec, method: TrainMethod): void {
  if (!TRAIN_METHODS.includes(method)) {
    throw new InvalidInputError(`unknown training method '${String(method)}'; use one of ${TRAIN_METHODS.join(', ')}`);
  }
  integerOption(arch.inputDim, 'inputDim', 1, MAX_TRAIN_WIDTH);
  if (!Array.isArray(arch.hidden)) throw new InvalidInputError(`hidden must be an array of layer widths (e.g. [50, 50]), got ${describeValue(arch.hidden)}`);
  if (arch.hidden.length + 1 > MAX_LAYERS) {
    throw new InvalidInputError(`${arch.hidden.length} hidden layers and the output make ${arch.hidden.length + 1} layers; at most ${MAX_LAYERS} are supported (every layer compiles its own GPU kernels)`);
  }
  arch.hidden.forEach((h: unknown, i) => integerOption(h, `hidden layer ${i} width`, 1, MAX_TRAIN_WIDTH));
  if (!ACTIVATIONS.includes(arch.activation)) {
    throw new InvalidInputError(`unknown activation '${String(arch.activation)}'; use one of ${ACTIVATIONS.join(', ')}`);
  }
}

export function trainLayout(arch: ArchitectureSpec, method: TrainMethod, hierarchical = false): TrainLayout {
  if (hierarchical && method !== 'vi') throw new InvalidInputError(`the hierarchical prior is a 'vi' option, not '${method}'`);
  checkArchitecture(arch, method);
  const outputUnits = method === 'ensemble' ? 2 : 1;
  const widths = [...arch.hidden, outputUnits];
  let cursor = 0;
  let drawn = 0;
  const vi = method === 'vi';
  const layers = widths.map((units, index): TrainLayerLayout => {
    const inputs = index === 0 ? arch.inputDim : (widths[index - 1] as number);
    const activation: Activation = index === widths.length - 1 ? 'identity' : arch.activation;
    const w = inputs * units;
    const weight = cursor;
    const weightRho = vi ? weight + w : -1;
    const bias = vi ? weight + 2 * w : weight + w;
    const biasRho = vi ? bias + units : -1;
    cursor = vi ? bias + 2 * units : bias + units;
    const prelu = activation === 'prelu' ? cursor : -1;
    if (prelu >= 0) cursor += units;
    const layer = { index, inputs, units, activation, weight, bias, weightRho, biasRho, prelu, drawnOffset: drawn };
    drawn += w + units;
    return layer;
  });
  const noise = method === 'vi' || method === 'map' ? cursor : -1;
  if (method === 'vi') cursor += 2;
  else if (method === 'map') cursor += 1;
  const precision = hierarchical ? cursor : -1;
  if (hierarchical) cursor += layers.length;
  return { method, layers, size: cursor, noise, precision, drawnSize: drawn, outputUnits, maxUnits: Math.max(arch.inputDim, ...widths) };
}
