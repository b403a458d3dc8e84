/**
 * The update of θ: update counting and gradient clipping per model, then Adam, SGD with momentum or
 * the 'sgmcmc' sampler's step (SGHMC / SGLD with its Philox noise) per element.
 */
import { ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON, SGD_MOMENTUM } from '../../objective/optimizer.js';
import type { PreparedSampler } from '../../objective/sampler.js';
import type { TrainShape } from '../../objective/shape.js';
import { STREAM_SAMPLER } from '../../random/train-streams.js';
import { readF32, writeF32 } from '../bindings.js';
import { FLAT_INDEX, RANDOM } from '../library.js';
import { defineProgram, flatGrid, type Program } from '../program.js';
import { f32, u32 } from '../wgsl.js';
import { dimConsts, stepDims } from './dims.js';
import { MODEL_CONSTANTS, MODEL_STREAM, STEP, modelsBinding, stepBinding } from './step.js';

/** Adam's, read by both programs below: one run's optimiser is Adam when it has no sampler. */
function isAdam(shape: TrainShape): boolean {
  return shape.sampler === null && shape.optimizer === 'adam';
}

/** Adam's β constants, in both programs (1 - β in float64, then rounded: float32 0.1 and 0.001 exactly, where 1 - float32(β) would not be). */
function adamConsts() {
  return {
    ADAM_BETA1: f32(ADAM_BETA1),
    ADAM_BETA2: f32(ADAM_BETA2),
    ADAM_GRAD_WEIGHT1: f32(1 - ADAM_BETA1),
    ADAM_GRAD_WEIGHT2: f32(1 - ADAM_BETA2),
  };
}

/**
 * Per model: count the update, Adam's bias-correction denominators of that count (once per model
 * rather than per θ element) and the clipping factor (shaders/train/clip.wgsl).
 */
export function clipProgram(shape: TrainShape): Program<void> {
  const dims = stepDims(shape);
  const p = { dims, clipNorm: shape.clipNorm, adam: isAdam(shape) };
  return defineProgram({
    family: 'train_clip',
    params: p,
    wgsl: {
      consts: { ...dimConsts(dims), ...adamConsts(), ...(p.clipNorm > 0 ? { CLIP_NORM: f32(p.clipNorm) } : {}) },
      bindings: [readF32('grad'), readF32('model_active'), writeF32('counts'), writeF32('adam_bias'), writeF32('clip')],
      libraries: [FLAT_INDEX],
      body: ['train/clip'],
      defines: { CLIP: p.clipNorm > 0, ADAM: p.adam },
    },
    workgroups: (_, max) => flatGrid(dims.models, max),
  });
}

/** The sampler's constants (shaders/train/optimizer.wgsl, define SAMPLER): what varies per step is in the Step uniform. */
function samplerConsts(sampler: PreparedSampler | null) {
  if (!sampler) return {};
  return {
    KEEP_VELOCITY: f32(1 - sampler.friction),
    NOISE_SCALE: f32(2 * sampler.friction * sampler.temperature),
    STREAM_SAMPLER: u32(STREAM_SAMPLER),
    CYCLE_STEPS: u32(sampler.cycleSteps),
    EXPLORATION_STEPS: u32(sampler.explorationSteps),
  };
}

/** Adam, SGD or the sampler for every (model, θ element), 4 elements a thread (shaders/train/optimizer.wgsl). */
export function optimizerProgram(shape: TrainShape): Program<void> {
  const dims = stepDims(shape);
  const sampler = shape.sampler;
  // The sample epochs are the trainer's business, not the kernel's: left out of the cache key.
  const p = { dims, optimizer: shape.optimizer, sampler: sampler && { ...sampler, sampleEpochs: [] } };
  return defineProgram({
    family: 'train_optimizer',
    params: p,
    uniform: STEP,
    wgsl: {
      consts: {
        ...dimConsts(dims),
        ...adamConsts(),
        ADAM_EPSILON: f32(ADAM_EPSILON),
        SGD_MOMENTUM: f32(SGD_MOMENTUM),
        ...samplerConsts(sampler),
      },
      structs: [MODEL_CONSTANTS],
      bindings: [
        stepBinding,
        readF32('grad'),
        readF32('model_active'),
        readF32('adam_bias'),
        readF32('clip'),
        modelsBinding,
        writeF32('theta'),
        writeF32('moment1'),
        writeF32('moment2'),
      ],
      libraries: [FLAT_INDEX, ...(sampler ? [MODEL_STREAM, RANDOM] : [])],
      body: ['train/optimizer'],
      defines: { ADAM: isAdam(shape), SAMPLER: sampler !== null },
    },
    workgroups: (_, max) => flatGrid(dims.models * Math.ceil(dims.thetaSize / 4), max),
  });
}
