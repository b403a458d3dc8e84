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
import { f32, u32, type WgslConst, type WgslLibrary } from '../wgsl.js';
import { dimConsts, stepDims } from './dims.js';
import { MODEL_CONSTANTS, STEP, STEP_KEY, modelsBinding, stepBinding } from './step.js';

/** A field list's layout as WGSL constants: `count` floats per chain, <PREFIX>_<FIELD> offsets (camelCase to SNAKE_CASE). */
export function fieldConsts(fields: readonly string[], count: string, prefix: string): Record<string, WgslConst> {
  const consts: Record<string, WgslConst> = { [count]: u32(fields.length) };
  fields.forEach((name, i) => {
    consts[`${prefix}_${name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`] = u32(i);
  });
  return consts;
}

/** The chain state's layout as WGSL constants: CF floats per chain, CH_<FIELD> offsets. */
export function chainConsts(): Record<string, WgslConst> {
  return fieldConsts(CHAIN_FIELDS, 'CF', 'CH');
}

/** Floats per (transition, chain) of hmc_trace: U after the transition, α, accepted (or moved), ε used, tree depth ('nuts'; 0 for 'hmc'), leapfrog steps. */
export const HMC_TRACE_FIELDS = 6;

/** finite() on f32 bits (shaders/lib/finite.wgsl). */
export const FINITE: WgslLibrary = { file: 'lib/finite' };

/** What end_transition() compiles in: a program using it carries these in its params. */
export type HmcEndParams = Pick<PreparedHmc, 'warmup' | 'targetAccept' | 'stepSize' | 'maxTreeDepth'>;

export function hmcEndParams(hmc: PreparedHmc): HmcEndParams {
  return { warmup: hmc.warmup, targetAccept: hmc.targetAccept, stepSize: hmc.stepSize, maxTreeDepth: hmc.maxTreeDepth };
}

/** end_transition(): the trace row, the chain's last transition, dual averaging and the counters, for either sampler (shaders/train/hmc-end.wgsl). */
export function hmcEndLibrary(hmc: HmcEndParams): WgslLibrary {
  return {
    file: 'train/hmc-end',
    consts: {
      ...chainConsts(),
      TF: u32(HMC_TRACE_FIELDS),
      WARMUP: u32(hmc.warmup),
      TARGET_ACCEPT: f32(hmc.targetAccept),
      INITIAL_STEP_SIZE: f32(hmc.stepSize),
      DA_GAMMA: f32(DUAL_AVERAGING.gamma),
      DA_T0: f32(DUAL_AVERAGING.t0),
      DA_KAPPA: f32(DUAL_AVERAGING.kappa),
      DA_MU_FACTOR: f32(DUAL_AVERAGING.muFactor),
      MAX_TREE_DEPTH: u32(hmc.maxTreeDepth),
    },
    needs: [FINITE],
  };
}

/** The buffers end_transition() writes. */
export const hmcTraceBindings = [writeF32('hmc_chain'), writeF32('hmc_trace')];

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

/**
 * Half a kick, then (drift) a drift (shaders/train/hmc-leapfrog.wgsl), one thread per θ element;
 * `nuts` reads the chain's signed tree step from nuts_tree (`nutsConsts`, from src/kernels/train/nuts.ts) instead of ε.
 */
export function hmcLeapfrogProgram(shape: TrainShape, drift: boolean, nutsConsts: Record<string, WgslConst> | null = null): Program<void> {
  const dims = stepDims(shape);
  const nuts = nutsConsts !== null;
  return defineProgram({
    family: 'train_hmc_leapfrog',
    label: `train_${nuts ? 'nuts' : 'hmc'}_${drift ? 'kick_drift' : 'kick'}`,
    params: { dims, drift, nuts },
    wgsl: {
      consts: { ...dimConsts(dims), ...chainConsts(), ...(nutsConsts ?? {}) },
      structs: [MODEL_CONSTANTS],
      bindings: [modelsBinding, readF32('grad'), readF32(nuts ? 'nuts_tree' : 'hmc_chain'), writeF32('hmc_p'), ...(drift ? [writeF32('theta')] : [])],
      libraries: [FLAT_INDEX],
      body: ['train/hmc-leapfrog'],
      defines: { DRIFT: drift, NUTS: nuts },
    },
    workgroups: (_, max) => flatGrid(dims.models * dims.thetaSize, max),
  });
}

/** The Metropolis step and the step size's adaptation (shaders/train/hmc-accept.wgsl), one thread per chain. */
export function hmcAcceptProgram(shape: TrainShape, hmc: PreparedHmc): Program<void> {
  const dims = stepDims(shape);
  const p = { dims, end: hmcEndParams(hmc), leapfrogSteps: hmc.leapfrogSteps };
  return defineProgram({
    family: 'train_hmc_accept',
    params: p,
    uniform: STEP,
    wgsl: {
      consts: {
        ...dimConsts(dims),
        LEAPFROG_STEPS: u32(p.leapfrogSteps),
        DIVERGENCE_THRESHOLD: f32(DIVERGENCE_THRESHOLD),
        STREAM_HMC_MOMENTUM: u32(STREAM_HMC_MOMENTUM),
        STREAM_HMC_ACCEPT: u32(STREAM_HMC_ACCEPT),
      },
      structs: [MODEL_CONSTANTS],
      bindings: [stepBinding, modelsBinding, readF32('epoch_loss'), readF32('hmc_p'), ...hmcTraceBindings],
      libraries: [FLAT_INDEX, STEP_KEY, PHILOX, RANDOM, hmcEndLibrary(p.end)],
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
