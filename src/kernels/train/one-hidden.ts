/**
 * What the two one-program training steps of a one-hidden-layer network share ('fused',
 * fused.ts, and 'lanes', lanes.ts): the shape they cover, and the constants, bindings, libraries
 * and defines of their modules (the same θ offsets, dropout streams and outputs: θ's gradient, the
 * loss and model_active).
 */
import type { TrainShape } from '../../objective/shape.js';
import { STREAM_DROPOUT, layerStream } from '../../random/streams.js';
import { DEFAULT_LEAKY_SLOPE } from '../../model/spec.js';
import { readF32, writeF32 } from '../bindings.js';
import { ACTIVATION, MATH, PHILOX, activationDefines } from '../library.js';
import type { Defines } from '../preprocess.js';
import { f32, u32, type BindingSpec, type WgslConst, type WgslLibrary } from '../wgsl.js';
import { dimConsts, stepDims } from './dims.js';
import { MODEL_STREAM, modelsBinding, stepBinding } from './step.js';

/** keep_mask, map_sigma, penalty and penalty_grad (shaders/train/one-hidden.wgsl). */
const ONE_HIDDEN: WgslLibrary = { file: 'train/one-hidden', needs: [MATH] };

/** Widest input and hidden layer of either kernel. */
export const ONE_HIDDEN_MAX_WIDTH = 64;

/**
 * Why a run cannot take a one-program step (null: it can): the shape they cover is 'mc-dropout' or
 * 'map' (fixed σ too) with a Normal likelihood and no heteroscedastic head, one hidden layer of at
 * most 64 units on at most 64 inputs, one output, one sample per step, no PReLU, no adversarial
 * training.
 */
export function oneHiddenIneligibility(shape: TrainShape): string | null {
  const layout = shape.layout;
  const [hidden, output] = layout.layers;
  if (layout.method !== 'mc-dropout' && layout.method !== 'map') return `it covers 'mc-dropout' and 'map', not '${layout.method}'`;
  if (layout.likelihood.kind !== 'normal' || layout.heteroscedastic) return 'it covers a Normal likelihood without a heteroscedastic head';
  if (!hidden || !output || layout.layers.length !== 2) return 'it covers networks with exactly one hidden layer';
  if (hidden.inputs > ONE_HIDDEN_MAX_WIDTH || hidden.units > ONE_HIDDEN_MAX_WIDTH) return `it covers at most ${ONE_HIDDEN_MAX_WIDTH} inputs and hidden units`;
  if (output.units !== 1) return 'it covers one output unit';
  if (hidden.activation === 'prelu') return 'it does not cover PReLU';
  if (shape.adversarial) return 'it does not cover adversarial training';
  if (shape.samples !== 1) return 'it covers one sample per step';
  return null;
}

export interface OneHiddenModule {
  readonly inputs: number;
  readonly hidden: number;
  /** The cache key's parameters besides the kernel's own. */
  readonly params: Record<string, unknown>;
  readonly consts: Record<string, WgslConst>;
  readonly bindings: BindingSpec[];
  readonly libraries: WgslLibrary[];
  readonly defines: Defines;
}

/** The shared parts of a one-program step's module; `kernel` names the strategy in the internal error. */
export function oneHiddenModule(shape: TrainShape, kernel: string): OneHiddenModule {
  const why = oneHiddenIneligibility(shape);
  const [hidden, output] = shape.layout.layers;
  if (why !== null || !hidden || !output) throw new Error(`internal: the ${kernel} training kernel does not cover this run: ${why ?? ''}`);
  const dims = stepDims(shape);
  return {
    inputs: hidden.inputs,
    hidden: hidden.units,
    params: {
      dims,
      method: shape.layout.method,
      inputs: hidden.inputs,
      hidden: hidden.units,
      activation: hidden.activation,
      dropout: shape.dropout,
      fixedNoise: shape.layout.fixedNoise,
      offsets: [hidden.weight, hidden.bias, output.weight, output.bias, shape.layout.noise],
    },
    consts: {
      ...dimConsts(dims),
      IN0: u32(hidden.inputs),
      HID: u32(hidden.units),
      W0_OFFSET: u32(hidden.weight),
      B0_OFFSET: u32(hidden.bias),
      W1_OFFSET: u32(output.weight),
      B1_OFFSET: u32(output.bias),
      LOG_SIGMA_OFFSET: u32(Math.max(shape.layout.noise, 0)),
      STREAM0: u32(layerStream(0, STREAM_DROPOUT)),
      STREAM1: u32(layerStream(1, STREAM_DROPOUT)),
      LEAKY_SLOPE: f32(DEFAULT_LEAKY_SLOPE),
    },
    bindings: [stepBinding, modelsBinding, readF32('theta'), readF32('xb'), readF32('yb'), readF32('valid'), writeF32('grad'), writeF32('model_active'), writeF32('epoch_loss')],
    libraries: [MATH, ACTIVATION, PHILOX, MODEL_STREAM, ONE_HIDDEN],
    defines: {
      ...activationDefines(hidden.activation),
      DROPOUT: shape.dropout,
      METHOD_MAP: shape.layout.method === 'map',
      METHOD_MC_DROPOUT: shape.layout.method === 'mc-dropout',
      FIXED_SIGMA: shape.layout.fixedNoise,
    },
  };
}
