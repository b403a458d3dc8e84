/** The update of θ: update counting and gradient clipping per model, then Adam or SGD with momentum per element. */
import { ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON, SGD_MOMENTUM } from '../../objective/optimizer.js';
import type { TrainShape } from '../../objective/shape.js';
import { readF32, writeF32 } from '../bindings.js';
import { FLAT_INDEX } from '../library.js';
import { defineProgram, flatGrid, type Program } from '../program.js';
import { f32 } from '../wgsl.js';
import { dimConsts, stepDims } from './dims.js';
import { MODEL_CONSTANTS, STEP, modelsBinding, stepBinding } from './step.js';

/** Per model: count the update and the clipping factor (shaders/train/clip.wgsl). */
export function clipProgram(shape: TrainShape): Program<void> {
  const dims = stepDims(shape);
  const p = { dims, clipNorm: shape.clipNorm };
  return defineProgram({
    family: 'train_clip',
    params: p,
    wgsl: {
      consts: { ...dimConsts(dims), ...(p.clipNorm > 0 ? { CLIP_NORM: f32(p.clipNorm) } : {}) },
      bindings: [readF32('grad'), readF32('model_active'), writeF32('counts'), writeF32('clip')],
      libraries: [FLAT_INDEX],
      body: ['train/clip'],
      defines: { CLIP: p.clipNorm > 0 },
    },
    workgroups: (_, max) => flatGrid(dims.models, max),
  });
}

/** Adam or SGD for every (model, θ element) (shaders/train/optimizer.wgsl). */
export function optimizerProgram(shape: TrainShape): Program<void> {
  const dims = stepDims(shape);
  const p = { dims, optimizer: shape.optimizer };
  return defineProgram({
    family: 'train_optimizer',
    params: p,
    uniform: STEP,
    wgsl: {
      consts: {
        ...dimConsts(dims),
        ADAM_BETA1: f32(ADAM_BETA1),
        ADAM_BETA2: f32(ADAM_BETA2),
        // 1 - β in float64, then rounded: float32 0.1 and 0.001 exactly, where 1 - float32(β) would not be.
        ADAM_GRAD_WEIGHT1: f32(1 - ADAM_BETA1),
        ADAM_GRAD_WEIGHT2: f32(1 - ADAM_BETA2),
        ADAM_EPSILON: f32(ADAM_EPSILON),
        SGD_MOMENTUM: f32(SGD_MOMENTUM),
      },
      structs: [MODEL_CONSTANTS],
      bindings: [
        stepBinding,
        readF32('grad'),
        readF32('model_active'),
        readF32('counts'),
        readF32('clip'),
        modelsBinding,
        writeF32('theta'),
        writeF32('moment1'),
        writeF32('moment2'),
      ],
      libraries: [FLAT_INDEX],
      body: ['train/optimizer'],
      defines: { ADAM: p.optimizer === 'adam' },
    },
    workgroups: (_, max) => flatGrid(dims.models * dims.thetaSize, max),
  });
}
