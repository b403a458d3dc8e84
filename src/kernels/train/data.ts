/**
 * A step's inputs: the minibatch gather (keyed Feistel shuffle, per-model standardisation), the
 * adversarial copies, and the dropout masks of each layer's input.
 */
import type { TrainLayerLayout } from '../../objective/layout.js';
import { dataRows, type TrainShape } from '../../objective/shape.js';
import { STREAM_DROPOUT, layerStream } from '../../random/streams.js';
import { STREAM_SHUFFLE } from '../../random/train-streams.js';
import { readF32, readU32, writeF32 } from '../bindings.js';
import { PHILOX, SHUFFLE, FLAT_INDEX } from '../library.js';
import { defineProgram, flatGrid, type Program } from '../program.js';
import { u32 } from '../wgsl.js';
import { dimConsts, stepDims } from './dims.js';
import { CONCRETE, inputsMaskedInPlace } from './layer.js';
import { stepBufferLayout } from './step-buffers.js';
import { MODEL_CONSTANTS, MODEL_STREAM, STEP, modelsBinding, stepBinding } from './step.js';

/** Gather: the step's rows of every model into xb, yb and valid (shaders/train/gather.wgsl). */
export function gatherProgram(shape: TrainShape): Program<void> {
  const dims = stepDims(shape);
  const inputDim = shape.layout.layers[0]?.inputs ?? 0;
  const p = { dims, inputDim, targetWidth: shape.layout.likelihood.targetWidth, dataRows: dataRows(shape) };
  return defineProgram({
    family: 'train_gather',
    params: p,
    uniform: STEP,
    wgsl: {
      consts: { ...dimConsts(dims), IN0: u32(inputDim), TY: u32(p.targetWidth), BD: u32(p.dataRows), STREAM_SHUFFLE: u32(STREAM_SHUFFLE) },
      structs: [MODEL_CONSTANTS],
      bindings: [
        stepBinding,
        readF32('data_x'),
        readF32('data_y'),
        readU32('rows'),
        modelsBinding,
        readF32('x_mean'),
        readF32('x_std'),
        writeF32('xb'),
        writeF32('yb'),
        writeF32('valid'),
      ],
      libraries: [FLAT_INDEX, MODEL_STREAM, PHILOX, SHUFFLE],
      body: ['train/gather'],
    },
    workgroups: (_, max) => flatGrid(dims.models * dims.batch, max),
  });
}

/** Adversarial copies of the data rows (shaders/train/adversarial.wgsl), one thread per (model, data row). */
export function adversarialProgram(shape: TrainShape): Program<void> {
  const dims = stepDims(shape);
  const inputDim = shape.layout.layers[0]?.inputs ?? 0;
  const p = { dims, inputDim, targetWidth: shape.layout.likelihood.targetWidth, dataRows: dataRows(shape) };
  return defineProgram({
    family: 'train_adversarial',
    params: p,
    wgsl: {
      consts: { ...dimConsts(dims), IN0: u32(inputDim), TY: u32(p.targetWidth), BD: u32(p.dataRows) },
      bindings: [readF32('adv_step'), readF32('dx'), writeF32('xb'), writeF32('yb'), writeF32('valid')],
      libraries: [FLAT_INDEX],
      body: ['train/adversarial'],
    },
    workgroups: (_, max) => flatGrid(dims.models * p.dataRows, max),
  });
}

/**
 * Dropout masks of layer l's input (shaders/train/masks.wgsl), one thread per (model, 4 masks);
 * concrete dropout's relaxed ones from θ's logit. Layer 0's multiply xb in place where
 * inputsMaskedInPlace (layer.ts) says so, and are not kept.
 */
export function masksProgram(shape: TrainShape, layer: TrainLayerLayout): Program<void> {
  const dims = stepDims(shape);
  const logit = shape.layout.dropoutLogit;
  const concrete = logit >= 0;
  // 'mc-dropout': a block of 8 slots of one unit (src/random/train-streams.ts); concrete: 4 consecutive (slot, unit) words.
  const blocks = concrete ? Math.ceil((dims.batch * layer.inputs) / 4) : layer.inputs * Math.ceil(dims.batch / 8);
  const inPlace = layer.index === 0 && inputsMaskedInPlace(shape);
  const p = {
    dims,
    index: layer.index,
    inputs: layer.inputs,
    maskOffset: stepBufferLayout(shape).mask[layer.index] ?? 0,
    logitOffset: concrete ? logit + layer.index : -1,
    inPlace,
  };
  return defineProgram({
    family: 'train_masks',
    label: `train_masks_l${layer.index}`,
    params: p,
    uniform: STEP,
    wgsl: {
      consts: {
        ...dimConsts(dims),
        IN: u32(layer.inputs),
        BLOCKS: u32(blocks),
        STREAM: u32(layerStream(layer.index, STREAM_DROPOUT)),
        MASK_OFFSET: u32(p.maskOffset),
        LOGIT_OFFSET: u32(Math.max(p.logitOffset, 0)),
      },
      structs: [MODEL_CONSTANTS],
      bindings: [stepBinding, modelsBinding, ...(concrete ? [readF32('theta')] : []), writeF32(inPlace ? 'xb' : 'masks')],
      libraries: [FLAT_INDEX, MODEL_STREAM, PHILOX, ...(concrete ? [CONCRETE] : [])],
      body: ['train/masks'],
      defines: { CONCRETE: concrete, IN_PLACE: inPlace },
    },
    workgroups: (_, max) => flatGrid(dims.models * blocks, max),
  });
}
