/**
 * What every training program of one dense layer compiles in: the step's sizes, the layer's shape
 * and activation, its θ offsets, its place in the step's buffers and the run's method and
 * estimator, as WGSL constants and defines for shaders/train/*.wgsl. The parameters are the
 * programs' cache-key inputs: nothing else about the layer reaches the source.
 */
import type { Activation } from '../../model/spec.js';
import { DEFAULT_LEAKY_SLOPE } from '../../model/spec.js';
import { CONCRETE_TEMPERATURE } from '../../objective/concrete.js';
import type { TrainLayerLayout } from '../../objective/layout.js';
import type { ObjectiveMethod, ViEstimator } from '../../objective/methods.js';
import type { TrainShape } from '../../objective/shape.js';
import { readF32, writeF32 } from '../bindings.js';
import { MATH, ACTIVATION, activationDefines } from '../library.js';
import type { Defines } from '../preprocess.js';
import { f32, u32, type BindingSpec, type WgslConst, type WgslLibrary } from '../wgsl.js';
import { dimConsts, stepDims, type StepDims } from './dims.js';
import { stepBufferLayout } from './step-buffers.js';

export interface TrainLayerParams {
  readonly dims: StepDims;
  readonly index: number;
  readonly inputs: number;
  readonly units: number;
  readonly activation: Activation;
  readonly leakySlope: number;
  readonly method: ObjectiveMethod;
  readonly estimator: ViEstimator;
  readonly dropout: boolean;
  readonly hierarchical: boolean;
  /** θ offsets (src/objective/layout.ts); -1 where absent. */
  readonly weight: number;
  readonly bias: number;
  readonly weightRho: number;
  readonly biasRho: number;
  readonly prelu: number;
  readonly precision: number;
  /** θ index of this layer's dropout logit ('concrete-dropout'); -1 otherwise. */
  readonly dropoutLogit: number;
  readonly drawnOffset: number;
  /** Offsets in the step's buffers (step-buffers.ts); the previous layer's activations -1 for layer 0. */
  readonly actOffset: number;
  readonly prevActOffset: number;
  readonly maskOffset: number;
  readonly flipOffset: number;
}

export function trainLayerParams(shape: TrainShape, layer: TrainLayerLayout): TrainLayerParams {
  const buffers = stepBufferLayout(shape);
  const l = layer.index;
  return {
    dims: stepDims(shape),
    index: l,
    inputs: layer.inputs,
    units: layer.units,
    activation: layer.activation,
    leakySlope: DEFAULT_LEAKY_SLOPE,
    method: shape.layout.method,
    estimator: shape.estimator,
    // Layer 0's masks are applied to xb in place (inputsMaskedInPlace): its programs read xb alone.
    dropout: shape.dropout && !(l === 0 && inputsMaskedInPlace(shape)),
    hierarchical: shape.hierarchical,
    weight: layer.weight,
    bias: layer.bias,
    weightRho: layer.weightRho,
    biasRho: layer.biasRho,
    prelu: layer.prelu,
    precision: shape.layout.precision,
    dropoutLogit: shape.layout.dropoutLogit >= 0 ? shape.layout.dropoutLogit + l : -1,
    drawnOffset: layer.drawnOffset,
    actOffset: buffers.act[l] ?? 0,
    prevActOffset: l > 0 ? (buffers.act[l - 1] ?? 0) : -1,
    maskOffset: buffers.mask[l] ?? 0,
    flipOffset: buffers.flip[l] ?? 0,
  };
}

/**
 * Whether layer 0's dropout masks multiply the gathered inputs in place (train/masks, define
 * IN_PLACE), so that layer 0's forward and weight-gradient programs load xb alone instead of xb and
 * its mask at every use: with every dropout method but concrete dropout, whose logit gradient
 * (train/concrete-grad) needs the masks themselves. Adversarial training (which needs the raw
 * inputs) never comes with dropout.
 */
export function inputsMaskedInPlace(shape: TrainShape): boolean {
  return shape.dropout && shape.layout.dropoutLogit < 0;
}

/**
 * Whether a layer's backward pass needs its pre-activations z, so its forward pass stores them
 * (define STORE_Z): GELU and SiLU derivatives are functions of z, and PReLU's slope gradient sums
 * dh min(z, 0). The other activations' derivatives follow from h = act(z) (shaders/lib/activation's
 * activate_grad reads z only through its sign for ReLU and leaky ReLU, and h > 0 exactly when z > 0
 * there), so they are passed h in z's place and z is never written.
 */
export function needsPreActivation(activation: Activation): boolean {
  return activation === 'gelu' || activation === 'silu' || activation === 'prelu';
}

/** The layer's weights come from the step's shared draw ('vi' but for local reparameterisation). */
export function drawsWeights(p: TrainLayerParams): boolean {
  return p.method === 'vi' && p.estimator !== 'local';
}

export function isLocal(p: TrainLayerParams): boolean {
  return p.method === 'vi' && p.estimator === 'local';
}

export function isFlipout(p: TrainLayerParams): boolean {
  return p.method === 'vi' && p.estimator === 'flipout';
}

/** An offset as a WGSL u32 (an absent one, -1, is never read: 0). */
const offset = (value: number): WgslConst => u32(Math.max(value, 0));

export function trainLayerConsts(p: TrainLayerParams): Record<string, WgslConst> {
  return {
    ...dimConsts(p.dims),
    LAYER: u32(p.index),
    IN: u32(p.inputs),
    OUT: u32(p.units),
    WEIGHT_COUNT: u32(p.inputs * p.units),
    WEIGHT_OFFSET: offset(p.weight),
    BIAS_OFFSET: offset(p.bias),
    WEIGHT_RHO_OFFSET: offset(p.weightRho),
    BIAS_RHO_OFFSET: offset(p.biasRho),
    PRELU_OFFSET: offset(p.prelu),
    PRECISION_OFFSET: offset(p.precision),
    LOGIT_OFFSET: offset(p.dropoutLogit),
    DRAWN_OFFSET: offset(p.drawnOffset),
    ACT_OFFSET: offset(p.actOffset),
    PREV_ACT_OFFSET: offset(p.prevActOffset),
    MASK_OFFSET: offset(p.maskOffset),
    FLIP_OFFSET: offset(p.flipOffset),
    FLIP_WIDTH: u32(p.inputs + p.units),
    LEAKY_SLOPE: f32(p.leakySlope),
  };
}

export function trainLayerDefines(p: TrainLayerParams): Defines {
  return {
    ...activationDefines(p.activation),
    STORE_Z: needsPreActivation(p.activation),
    FIRST_LAYER: p.index === 0,
    DROPOUT: p.dropout,
    DRAWN: drawsWeights(p),
    LOCAL: isLocal(p),
    FLIPOUT: isFlipout(p),
    HIERARCHICAL: p.hierarchical,
    METHOD_VI: p.method === 'vi',
    METHOD_MAP: p.method === 'map',
    METHOD_MC_DROPOUT: p.method === 'mc-dropout',
    METHOD_CONCRETE: p.method === 'concrete-dropout',
  };
}

/**
 * θ, the shared draw, layer 0's input, the masks and the slots' validity, as a layer's programs
 * read them (a later layer's input is `h`, which each program binds with the access it needs).
 */
export function layerInputBindings(p: TrainLayerParams): BindingSpec[] {
  return [readF32('theta'), ...(drawsWeights(p) ? [readF32('drawn')] : []), ...(p.index === 0 ? [readF32('xb')] : []), ...(p.dropout ? [readF32('masks')] : []), readF32('valid')];
}

/** weight_at, bias_at (shaders/train/weights.wgsl). */
export const WEIGHTS: WgslLibrary = { file: 'train/weights' };
/** input_at (shaders/train/inputs.wgsl). */
export const INPUTS: WgslLibrary = { file: 'train/inputs' };
/** unit_slope (shaders/train/slope.wgsl) and activate / activate_grad (shaders/lib/activation.wgsl). */
export const SLOPE: WgslLibrary = { file: 'train/slope', needs: [ACTIVATION] };
/** loc_at, std_at (shaders/train/posterior.wgsl). */
export const POSTERIOR: WgslLibrary = { file: 'train/posterior', needs: [MATH] };
/** delta_at, flip_in, flip_out (shaders/train/flipout.wgsl). */
export const FLIPOUT: WgslLibrary = { file: 'train/flipout', needs: [POSTERIOR] };
/** prior_std (shaders/train/prior.wgsl). */
export const PRIOR: WgslLibrary = { file: 'train/prior' };
/** store_prev_grad: the gradient passed down, stored as the previous layer's dz (shaders/train/prev-grad.wgsl). */
export const PREV_GRAD: WgslLibrary = { file: 'train/prev-grad', needs: [SLOPE] };

/**
 * What a dh program of layer l (> 0) compiles in to store its result as dz of layer l-1
 * (train/prev-grad): that layer's activation and PReLU slopes in place of this layer's (which a dh
 * program never reads), and KEEP_DH when that layer is PReLU (its slope gradient reads dh). The
 * previous layer's fields are part of the program's parameters.
 */
export function prevLayerGrad(
  shape: TrainShape,
  layer: TrainLayerLayout,
): { params: { activation: Activation; prelu: number }; consts: Record<string, WgslConst>; defines: Defines; bindings: BindingSpec[] } {
  const prev = shape.layout.layers[layer.index - 1];
  if (!prev) throw new Error('internal: layer 0 has no previous layer');
  const keepDh = prev.prelu >= 0;
  const readZ = needsPreActivation(prev.activation);
  return {
    params: { activation: prev.activation, prelu: prev.prelu },
    consts: { PRELU_OFFSET: offset(prev.prelu) },
    defines: { ...activationDefines(prev.activation), KEEP_DH: keepDh, STORE_Z: readZ },
    bindings: [...(readZ ? [readF32('z')] : []), readF32('h'), writeF32('dz'), ...(keepDh ? [writeF32('dh')] : [])],
  };
}

/** store_param_grad, rho_index (shaders/train/param-grad.wgsl). */
export const PARAM_GRAD: WgslLibrary = { file: 'train/param-grad', needs: [MATH, PRIOR] };
/** concrete_noise, concrete_drop: concrete dropout's relaxed masks (shaders/train/concrete.wgsl). */
export const CONCRETE: WgslLibrary = { file: 'train/concrete', consts: { TEMPERATURE: f32(CONCRETE_TEMPERATURE) }, needs: [MATH] };
/** store_prelu_slope_grad (shaders/train/prelu-grad.wgsl). */
export const PRELU_GRAD: WgslLibrary = { file: 'train/prelu-grad' };
