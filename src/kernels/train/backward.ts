/**
 * A layer's backward pass for every (model, K-sample, batch slot): dz from dh, dh of the previous
 * layer, the gradient over the inputs (adversarial training), and the parameter gradients.
 */
import type { TrainLayerLayout } from '../../objective/layout.js';
import type { TrainShape } from '../../objective/shape.js';
import { readF32, writeF32 } from '../bindings.js';
import { STREAM_DROPOUT, layerStream } from '../../random/streams.js';
import { FLAT_INDEX, PHILOX } from '../library.js';
import { WORKGROUP_SIZE, defineProgram, flatGrid, type Program } from '../program.js';
import { u32, type BindingSpec, type WgslLibrary } from '../wgsl.js';
import {
  CONCRETE,
  FLIPOUT,
  INPUTS,
  PARAM_GRAD,
  POSTERIOR,
  PRELU_GRAD,
  PREV_GRAD,
  SLOPE,
  WEIGHTS,
  drawsWeights,
  isFlipout,
  isLocal,
  layerInputBindings,
  needsPreActivation,
  prevLayerGrad,
  trainLayerConsts,
  trainLayerDefines,
  trainLayerParams,
  type TrainLayerParams,
} from './layer.js';
import { MODEL_CONSTANTS, MODEL_STREAM, STEP, modelsBinding, stepBinding } from './step.js';

/** One thread per (model, K-sample, batch slot). */
const rowThreads = (p: TrainLayerParams) => p.dims.models * p.dims.samples * p.dims.batch;

/** dz = dh * act'(z) of the output layer (shaders/train/dz.wgsl); the layers below get theirs from the dh program above them. */
export function dzProgram(shape: TrainShape, layer: TrainLayerLayout): Program<void> {
  const p = trainLayerParams(shape, layer);
  return defineProgram({
    family: 'train_dz',
    label: `train_dz_l${layer.index}`,
    params: p,
    wgsl: {
      consts: trainLayerConsts(p),
      bindings: [readF32('theta'), readF32('valid'), ...(needsPreActivation(p.activation) ? [readF32('z')] : []), readF32('h'), readF32('dh'), writeF32('dz')],
      libraries: [FLAT_INDEX, SLOPE],
      body: ['train/dz'],
      defines: trainLayerDefines(p),
    },
    workgroups: (_, max) => flatGrid(rowThreads(p), max),
  });
}

/** The estimator's libraries for W^T dz and its perturbations (shaders/train/dh-prev.wgsl). */
function dhPrevLibraries(p: TrainLayerParams): WgslLibrary[] {
  if (isLocal(p)) return [POSTERIOR];
  if (isFlipout(p)) return [FLIPOUT];
  return [WEIGHTS];
}

/** dh of layer l-1, stored as its dz (shaders/train/dh-prev.wgsl, train/prev-grad). */
export function dhPrevProgram(shape: TrainShape, layer: TrainLayerLayout): Program<void> {
  const p = trainLayerParams(shape, layer);
  if (p.index === 0) throw new Error('internal: layer 0 has no previous layer');
  const prev = prevLayerGrad(shape, layer);
  return defineProgram({
    family: 'train_dh_prev',
    label: `train_dh_prev_l${layer.index}`,
    params: { layer: p, prev: prev.params },
    wgsl: {
      consts: { ...trainLayerConsts(p), ...prev.consts },
      bindings: [
        ...layerInputBindings(p),
        ...(isLocal(p) ? [readF32('lr_eps'), readF32('lr_sd')] : []),
        ...(isFlipout(p) ? [readF32('eps'), readF32('flip')] : []),
        ...prev.bindings,
      ],
      libraries: [FLAT_INDEX, ...dhPrevLibraries(p), PREV_GRAD],
      body: ['train/dh-prev'],
      defines: { ...trainLayerDefines(p), ...prev.defines },
    },
    workgroups: (_, max) => flatGrid(rowThreads(p), max),
  });
}

/** dx = W_0^T dz_0 for adversarial training (shaders/train/input-grad.wgsl): layer 0 of a point method. */
export function inputGradProgram(shape: TrainShape, layer: TrainLayerLayout): Program<void> {
  const p = trainLayerParams(shape, layer);
  if (p.index !== 0 || p.method === 'vi' || p.dropout) throw new Error('internal: the input gradient is for layer 0 of a point method');
  return defineProgram({
    family: 'train_input_grad',
    params: p,
    wgsl: {
      consts: trainLayerConsts(p),
      bindings: [readF32('theta'), readF32('valid'), readF32('dz'), writeF32('dx')],
      libraries: [FLAT_INDEX, WEIGHTS],
      body: ['train/input-grad'],
      defines: trainLayerDefines(p),
    },
    workgroups: (_, max) => flatGrid(rowThreads(p), max),
  });
}

/**
 * What the parameter-gradient programs of layer l read (shaders/train/weight-grad.wgsl and
 * weight-grad-tiled.wgsl): the layer's input, dz, the estimator's draws, and for PReLU z and dh.
 */
export function weightGradBindings(p: TrainLayerParams): BindingSpec[] {
  return [
    readF32('theta'),
    ...(p.index === 0 ? [readF32('xb')] : []),
    ...(p.dropout ? [readF32('masks')] : []),
    readF32('valid'),
    modelsBinding,
    ...(p.index > 0 ? [readF32('h')] : []),
    ...(p.prelu >= 0 ? [readF32('z'), readF32('dh')] : []),
    readF32('dz'),
    ...(drawsWeights(p) ? [readF32('eps')] : []),
    ...(isLocal(p) ? [readF32('lr_eps'), readF32('lr_sd')] : []),
    ...(isFlipout(p) ? [readF32('flip')] : []),
    writeF32('grad'),
  ];
}

/** The libraries of the parameter-gradient programs. */
export function weightGradLibraries(p: TrainLayerParams): WgslLibrary[] {
  return [FLAT_INDEX, INPUTS, PARAM_GRAD, ...(p.prelu >= 0 ? [PRELU_GRAD] : []), ...(isFlipout(p) ? [FLIPOUT] : [])];
}

/** Parameter gradients of layer l, one thread per (model, element) (shaders/train/weight-grad.wgsl). */
export function weightGradProgram(shape: TrainShape, layer: TrainLayerLayout): Program<void> {
  const p = trainLayerParams(shape, layer);
  const count = layer.inputs * layer.units + layer.units + (layer.prelu >= 0 ? layer.units : 0);
  return defineProgram({
    family: 'train_weight_grad',
    label: `train_weight_grad_l${layer.index}`,
    params: p,
    wgsl: {
      consts: { ...trainLayerConsts(p), COUNT: u32(count) },
      structs: [MODEL_CONSTANTS],
      bindings: weightGradBindings(p),
      libraries: weightGradLibraries(p),
      body: ['train/weight-grad'],
      defines: trainLayerDefines(p),
    },
    workgroups: (_, max) => flatGrid(p.dims.models * count, max),
  });
}

/**
 * The data term's gradient over layer l's concrete-dropout logit, added into grad
 * (shaders/train/concrete-grad.wgsl): one workgroup per model, reducing over (batch slot, input unit).
 */
export function concreteGradProgram(shape: TrainShape, layer: TrainLayerLayout): Program<void> {
  const p = trainLayerParams(shape, layer);
  if (p.method !== 'concrete-dropout') throw new Error("internal: the logit gradient is 'concrete-dropout''s");
  return defineProgram({
    family: 'train_concrete_grad',
    label: `train_concrete_grad_l${layer.index}`,
    params: p,
    uniform: STEP,
    wgsl: {
      consts: { ...trainLayerConsts(p), STREAM: u32(layerStream(layer.index, STREAM_DROPOUT)) },
      structs: [MODEL_CONSTANTS],
      bindings: [stepBinding, modelsBinding, ...layerInputBindings(p), ...(p.index > 0 ? [readF32('h')] : []), readF32('dz'), writeF32('grad')],
      libraries: [FLAT_INDEX, MODEL_STREAM, PHILOX, CONCRETE, INPUTS, WEIGHTS],
      body: ['train/concrete-grad'],
      defines: trainLayerDefines(p),
    },
    workgroups: (_, max) => flatGrid(p.dims.models * WORKGROUP_SIZE, max),
  });
}
