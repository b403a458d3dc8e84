/** A layer's forward pass for every (model, K-sample, batch slot), for each 'vi' estimator (shaders/train/forward.wgsl). */
import type { TrainLayerLayout } from '../../objective/layout.js';
import type { TrainShape } from '../../objective/shape.js';
import { STREAM_MARGINAL, layerStream } from '../../random/streams.js';
import { readF32, writeF32 } from '../bindings.js';
import { RANDOM, FLAT_INDEX } from '../library.js';
import { defineProgram, flatGrid, type Program } from '../program.js';
import { u32 } from '../wgsl.js';
import {
  FLIPOUT,
  INPUTS,
  POSTERIOR,
  SLOPE,
  WEIGHTS,
  isFlipout,
  isLocal,
  layerInputBindings,
  needsPreActivation,
  trainLayerConsts,
  trainLayerDefines,
  trainLayerParams,
} from './layer.js';
import { MODEL_CONSTANTS, MODEL_STREAM, STEP, modelsBinding, stepBinding } from './step.js';

export function forwardProgram(shape: TrainShape, layer: TrainLayerLayout): Program<void> {
  const p = trainLayerParams(shape, layer);
  const local = isLocal(p);
  const flipout = isFlipout(p);
  return defineProgram({
    family: 'train_forward',
    label: `train_forward_l${layer.index}`,
    params: p,
    ...(local ? { uniform: STEP } : {}),
    wgsl: {
      consts: { ...trainLayerConsts(p), STREAM: u32(layerStream(layer.index, STREAM_MARGINAL)) },
      ...(local ? { structs: [MODEL_CONSTANTS] } : {}),
      bindings: [
        ...(local ? [stepBinding, modelsBinding] : []),
        ...layerInputBindings(p),
        ...(local ? [writeF32('lr_eps'), writeF32('lr_sd')] : []),
        ...(flipout ? [readF32('eps'), readF32('flip')] : []),
        ...(needsPreActivation(p.activation) ? [writeF32('z')] : []),
        writeF32('h'),
      ],
      libraries: [FLAT_INDEX, SLOPE, INPUTS, ...(local ? [MODEL_STREAM, RANDOM, POSTERIOR] : flipout ? [WEIGHTS, FLIPOUT] : [WEIGHTS])],
      body: ['train/forward'],
      defines: trainLayerDefines(p),
    },
    workgroups: (_, max) => flatGrid(p.dims.models * p.dims.samples * p.dims.batch, max),
  });
}
