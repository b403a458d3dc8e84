/** The 'vi' draws of a step: the layers' weights (shared draw, Flipout), sigma, and Flipout's sign vectors. */
import type { TrainLayerLayout } from '../../objective/layout.js';
import type { TrainShape } from '../../objective/shape.js';
import { STREAM_FLIP, STREAM_WEIGHTS, layerStream } from '../../random/streams.js';
import { readF32, writeF32 } from '../bindings.js';
import { MATH, PHILOX, RANDOM, FLAT_INDEX } from '../library.js';
import { defineProgram, flatGrid, type Program } from '../program.js';
import { u32 } from '../wgsl.js';
import { dimConsts, stepDims } from './dims.js';
import { trainLayerConsts, trainLayerParams } from './layer.js';
import { MODEL_CONSTANTS, MODEL_STREAM, STEP, modelsBinding, stepBinding } from './step.js';

/** w = loc + softplus(rho) eps of layer l for every (model, K-sample) (shaders/train/sample.wgsl). */
export function sampleProgram(shape: TrainShape, layer: TrainLayerLayout): Program<void> {
  const p = trainLayerParams(shape, layer);
  const count = layer.inputs * layer.units + layer.units;
  return defineProgram({
    family: 'train_sample',
    label: `train_sample_l${layer.index}`,
    params: p,
    uniform: STEP,
    wgsl: {
      consts: { ...trainLayerConsts(p), COUNT: u32(count), STREAM: u32(layerStream(layer.index, STREAM_WEIGHTS)) },
      structs: [MODEL_CONSTANTS],
      bindings: [stepBinding, modelsBinding, readF32('theta'), writeF32('drawn'), writeF32('eps')],
      libraries: [FLAT_INDEX, MODEL_STREAM, RANDOM, MATH],
      body: ['train/sample'],
    },
    workgroups: (_, max) => flatGrid(p.dims.models * p.dims.samples * count, max),
  });
}

/** sigma per (model, K-sample) (shaders/train/sigma.wgsl). */
export function sigmaProgram(shape: TrainShape): Program<void> {
  const dims = stepDims(shape);
  const p = { dims, noise: shape.layout.noise };
  return defineProgram({
    family: 'train_sigma',
    params: p,
    uniform: STEP,
    wgsl: {
      consts: { ...dimConsts(dims), SIGMA_LOC_OFFSET: u32(p.noise), SIGMA_RHO_OFFSET: u32(p.noise + 1) },
      structs: [MODEL_CONSTANTS],
      bindings: [stepBinding, modelsBinding, readF32('theta'), writeF32('sig')],
      libraries: [FLAT_INDEX, MODEL_STREAM, RANDOM, MATH],
      body: ['train/sigma'],
    },
    workgroups: (_, max) => flatGrid(dims.models * dims.samples, max),
  });
}

/** Flipout's sign vectors of layer l (shaders/train/flip.wgsl). */
export function flipProgram(shape: TrainShape, layer: TrainLayerLayout): Program<void> {
  const p = trainLayerParams(shape, layer);
  return defineProgram({
    family: 'train_flip',
    label: `train_flip_l${layer.index}`,
    params: p,
    uniform: STEP,
    wgsl: {
      consts: { ...trainLayerConsts(p), STREAM: u32(layerStream(layer.index, STREAM_FLIP)) },
      structs: [MODEL_CONSTANTS],
      bindings: [stepBinding, modelsBinding, writeF32('flip')],
      libraries: [FLAT_INDEX, MODEL_STREAM, PHILOX],
      body: ['train/flip'],
    },
    workgroups: (_, max) => flatGrid(p.dims.models * p.dims.samples * p.dims.batch * (layer.inputs + layer.units), max),
  });
}
