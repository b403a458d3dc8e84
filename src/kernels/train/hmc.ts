/**
 * 'hmc''s programs (shaders/train/hmc-*.wgsl; src/objective/hmc.ts and index.ts, HMC, have the
 * maths): the chains' start, a transition's momentum draw, the leapfrog's kick and drift, the
 * Metropolis step with dual averaging, and the restore of a rejected θ. The gradient at each
 * leapfrog position comes from the training step's own forward, loss and backward programs.
 */
import { CHAIN_FIELDS, DIVERGENCE_THRESHOLD, DUAL_AVERAGING, type PreparedHmc } from '../../objective/hmc.js';
import type { TrainShape } from '../../objective/shape.js';
import { STREAM_HMC_ACCEPT, STREAM_HMC_MOMENTUM } from '../../random/train-streams.js';
import { readF32, writeF32 } from '../bindings.js';
import { FLAT_INDEX, PHILOX, RANDOM } from '../library.js';
import { defineProgram, flatGrid, type Program } from '../program.js';
import { f32, u32, type WgslConst } from '../wgsl.js';
import { dimConsts, stepDims } from './dims.js';
import { MODEL_CONSTANTS, STEP, STEP_KEY, modelsBinding, stepBinding } from './step.js';

/** The chain state's layout as WGSL constants: CF floats per chain, CH_<FIELD> offsets. */
function chainConsts(): Record<string, WgslConst> {
  const consts: Record<string, WgslConst> = { CF: u32(CHAIN_FIELDS.length) };
  CHAIN_FIELDS.forEach((name, i) => {
    consts[`CH_${name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`] = u32(i);
  });
  return consts;
}

/** Floats per (transition, chain) of hmc_trace: U, α, accepted, ε. */
export const HMC_TRACE_FIELDS = 4;

/** Every chain's state before the first transition (shaders/train/hmc-start.wgsl), one thread per chain. */
export function hmcStartProgram(shape: TrainShape, hmc: PreparedHmc): Program<void> {
  const dims = stepDims(shape);
  const p = { dims, stepSize: hmc.stepSize };
  return defineProgram({
    family: 'train_hmc_start',
    params: p,
    wgsl: {
      consts: { ...dimConsts(dims), ...chainConsts(), INITIAL_STEP_SIZE: f32(p.stepSize) },
      structs: [MODEL_CONSTANTS],
      bindings: [modelsBinding, readF32('epoch_loss'), writeF32('hmc_chain')],
      libraries: [FLAT_INDEX],
      body: ['train/hmc-start'],
    },
    workgroups: (_, max) => flatGrid(dims.models, max),
  });
}

/** The transition's momentum, and θ and its gradient saved (shaders/train/hmc-momentum.wgsl), one thread per θ element. */
export function hmcMomentumProgram(shape: TrainShape): Program<void> {
  const dims = stepDims(shape);
  return defineProgram({
    family: 'train_hmc_momentum',
    params: { dims },
    uniform: STEP,
    wgsl: {
      consts: { ...dimConsts(dims), STREAM_HMC_MOMENTUM: u32(STREAM_HMC_MOMENTUM) },
      structs: [MODEL_CONSTANTS],
      bindings: [stepBinding, modelsBinding, readF32('theta'), readF32('grad'), writeF32('hmc_p'), writeF32('hmc_theta0'), writeF32('hmc_grad0')],
      libraries: [FLAT_INDEX, STEP_KEY, RANDOM],
      body: ['train/hmc-momentum'],
    },
    workgroups: (_, max) => flatGrid(dims.models * dims.thetaSize, max),
  });
}

/** Half a kick, then (drift) a drift (shaders/train/hmc-leapfrog.wgsl), one thread per θ element. */
export function hmcLeapfrogProgram(shape: TrainShape, drift: boolean): Program<void> {
  const dims = stepDims(shape);
  return defineProgram({
    family: 'train_hmc_leapfrog',
    label: drift ? 'train_hmc_kick_drift' : 'train_hmc_kick',
    params: { dims, drift },
    wgsl: {
      consts: { ...dimConsts(dims), ...chainConsts() },
      structs: [MODEL_CONSTANTS],
      bindings: [modelsBinding, readF32('grad'), readF32('hmc_chain'), writeF32('hmc_p'), ...(drift ? [writeF32('theta')] : [])],
      libraries: [FLAT_INDEX],
      body: ['train/hmc-leapfrog'],
      defines: { DRIFT: drift },
    },
    workgroups: (_, max) => flatGrid(dims.models * dims.thetaSize, max),
  });
}

/** The Metropolis step and the step size's adaptation (shaders/train/hmc-accept.wgsl), one thread per chain. */
export function hmcAcceptProgram(shape: TrainShape, hmc: PreparedHmc): Program<void> {
  const dims = stepDims(shape);
  const p = { dims, warmup: hmc.warmup, targetAccept: hmc.targetAccept, stepSize: hmc.stepSize };
  return defineProgram({
    family: 'train_hmc_accept',
    params: p,
    uniform: STEP,
    wgsl: {
      consts: {
        ...dimConsts(dims),
        ...chainConsts(),
        WARMUP: u32(p.warmup),
        TARGET_ACCEPT: f32(p.targetAccept),
        INITIAL_STEP_SIZE: f32(p.stepSize),
        DA_GAMMA: f32(DUAL_AVERAGING.gamma),
        DA_T0: f32(DUAL_AVERAGING.t0),
        DA_KAPPA: f32(DUAL_AVERAGING.kappa),
        DA_MU_FACTOR: f32(DUAL_AVERAGING.muFactor),
        DIVERGENCE_THRESHOLD: f32(DIVERGENCE_THRESHOLD),
        STREAM_HMC_MOMENTUM: u32(STREAM_HMC_MOMENTUM),
        STREAM_HMC_ACCEPT: u32(STREAM_HMC_ACCEPT),
      },
      structs: [MODEL_CONSTANTS],
      bindings: [stepBinding, modelsBinding, readF32('epoch_loss'), readF32('hmc_p'), writeF32('hmc_chain'), writeF32('hmc_trace')],
      libraries: [FLAT_INDEX, STEP_KEY, PHILOX, RANDOM],
      body: ['train/hmc-accept'],
    },
    workgroups: (_, max) => flatGrid(dims.models, max),
  });
}

/** θ and its gradient put back where the trajectory was rejected (shaders/train/hmc-restore.wgsl), one thread per θ element. */
export function hmcRestoreProgram(shape: TrainShape): Program<void> {
  const dims = stepDims(shape);
  return defineProgram({
    family: 'train_hmc_restore',
    params: { dims },
    wgsl: {
      consts: { ...dimConsts(dims), ...chainConsts() },
      bindings: [readF32('hmc_chain'), readF32('hmc_theta0'), readF32('hmc_grad0'), writeF32('theta'), writeF32('grad')],
      libraries: [FLAT_INDEX],
      body: ['train/hmc-restore'],
    },
    workgroups: (_, max) => flatGrid(dims.models * dims.thetaSize, max),
  });
}
