/**
 * What every inference program of one dense layer compiles in: its sizes, the offsets of its
 * tensors in `params`, its activation and its optional parts, as WGSL constants and defines for
 * shaders/infer/layer.wgsl (and layer-input.wgsl). The parameters are the programs' cache-key
 * inputs: nothing else about the layer reaches the source.
 */
import type { Activation } from '../../model/spec.js';
import type { LayerLayout } from '../../model/gpu-layout.js';
import { ACTIVATION, activationDefines } from '../library.js';
import type { Defines } from '../preprocess.js';
import { f32, u32, type WgslConst, type WgslLibrary } from '../wgsl.js';

export interface LayerParams {
  readonly index: number;
  readonly inputs: number;
  readonly units: number;
  readonly inputsPadded: number;
  readonly unitsPadded: number;
  readonly activation: Activation;
  readonly leakySlope: number;
  readonly weightIsNormal: boolean;
  readonly biasIsNormal: boolean;
  readonly weightLoc: number;
  readonly weightScale: number;
  readonly biasLoc: number;
  readonly biasScale: number;
  readonly preluSlope: number;
  readonly preluCount: number;
  readonly bnScale: number;
  readonly bnShift: number;
}

export function layerParams(layer: LayerLayout): LayerParams {
  return {
    index: layer.index,
    inputs: layer.inputs,
    units: layer.units,
    inputsPadded: layer.inputsPadded,
    unitsPadded: layer.unitsPadded,
    activation: layer.activation,
    leakySlope: layer.leakySlope,
    weightIsNormal: layer.weightIsNormal,
    biasIsNormal: layer.biasIsNormal,
    weightLoc: layer.weightLoc,
    weightScale: layer.weightScale,
    biasLoc: layer.biasLoc,
    biasScale: layer.biasScale,
    preluSlope: layer.preluSlope,
    preluCount: layer.preluCount,
    bnScale: layer.bnScale,
    bnShift: layer.bnShift,
  };
}

/** finish_unit, param_loc, param_scale of shaders/infer/layer.wgsl. */
export const LAYER: WgslLibrary = { file: 'infer/layer', needs: [ACTIVATION] };
/** input_base of shaders/infer/layer-input.wgsl. */
export const LAYER_INPUT: WgslLibrary = { file: 'infer/layer-input' };

export function layerConsts(p: LayerParams): Record<string, WgslConst> {
  return {
    IN: u32(p.inputs),
    OUT: u32(p.units),
    IN_P: u32(p.inputsPadded),
    OUT_P: u32(p.unitsPadded),
    WEIGHT_COUNT: u32(p.inputs * p.units),
    PARAM_COUNT: u32(p.inputs * p.units + p.units),
    W_LOC: u32(Math.max(p.weightLoc, 0)),
    B_LOC: u32(Math.max(p.biasLoc, 0)),
    W_SCALE: u32(Math.max(p.weightScale, 0)),
    B_SCALE: u32(Math.max(p.biasScale, 0)),
    BN_SCALE: u32(Math.max(p.bnScale, 0)),
    BN_SHIFT: u32(Math.max(p.bnShift, 0)),
    PRELU_SLOPE: u32(Math.max(p.preluSlope, 0)),
    LEAKY_SLOPE: f32(p.leakySlope),
  };
}

export function layerDefines(p: LayerParams): Defines {
  return {
    ...activationDefines(p.activation),
    WEIGHT_NORMAL: p.weightIsNormal,
    BIAS_NORMAL: p.biasIsNormal,
    BATCH_NORM: p.bnScale >= 0,
    PRELU_PER_UNIT: p.preluCount > 1,
    FIRST_LAYER: p.index === 0,
  };
}

/** Whether any element of the layer is drawn (so its kernels need the RNG). */
export function layerIsRandom(p: LayerParams): boolean {
  return p.weightIsNormal || p.biasIsNormal;
}
