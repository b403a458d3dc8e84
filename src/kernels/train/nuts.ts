/**
 * 'nuts''s programs (shaders/train/nuts-*.wgsl; src/objective/nuts.ts has the maths): a transition's
 * start, a doubling's start, a leaf after each leapfrog step, a doubling's end, and the transition's
 * end. All but the leapfrog run one thread per chain and loop over θ: NUTS is for small networks,
 * where a chain's θ is hundreds to a few thousand floats. The leapfrog is 'hmc''s kick and drift
 * reading the chain's signed tree step, and the gradient the training step's own programs.
 */
import { DIVERGENCE_THRESHOLD, type PreparedHmc } from '../../objective/hmc.js';
import { NEGLIGIBLE_LOG_WEIGHT, NUTS_FIELDS, NUTS_VECTORS, nutsVectorsPerChain } from '../../objective/nuts.js';
import type { TrainShape } from '../../objective/shape.js';
import { STREAM_HMC_MOMENTUM, STREAM_NUTS_LEAF, STREAM_NUTS_TREE } from '../../random/train-streams.js';
import { readF32, writeF32 } from '../bindings.js';
import { FLAT_INDEX, PHILOX, RANDOM } from '../library.js';
import { defineProgram, flatGrid, type Program } from '../program.js';
import { f32, u32, type BindingSpec, type WgslConst, type WgslLibrary } from '../wgsl.js';
import { dimConsts, stepDims } from './dims.js';
import { FINITE, chainConsts, fieldConsts, hmcEndLibrary, hmcEndParams, hmcLeapfrogProgram, hmcTraceBindings } from './hmc.js';
import { MODEL_CONSTANTS, STEP, STEP_KEY, modelsBinding, stepBinding } from './step.js';

/** The tree state's and vectors' layout as WGSL constants: NF, NT_*, NV, V_*, V_CKPT_R, V_CKPT_RSUM, MAX_TREE_DEPTH. */
export function nutsConsts(maxTreeDepth: number): Record<string, WgslConst> {
  return {
    ...fieldConsts(NUTS_FIELDS, 'NF', 'NT'),
    // The momentum checkpoints follow the named vectors: their first slot is the named ones' count.
    ...fieldConsts(NUTS_VECTORS, 'V_CKPT_R', 'V'),
    NV: u32(nutsVectorsPerChain(maxTreeDepth)),
    V_CKPT_RSUM: u32(NUTS_VECTORS.length + maxTreeDepth),
    MAX_TREE_DEPTH: u32(maxTreeDepth),
  };
}

const NUTS_COMMON: WgslLibrary = { file: 'train/nuts-common' };

export interface NutsProgramSet {
  readonly begin: Program<void>;
  readonly double: Program<void>;
  readonly kickDrift: Program<void>;
  readonly kick: Program<void>;
  readonly leaf: Program<void>;
  readonly combine: Program<void>;
  readonly end: Program<void>;
}

export function nutsPrograms(shape: TrainShape, hmc: PreparedHmc): NutsProgramSet {
  const dims = stepDims(shape);
  const layout = nutsConsts(hmc.maxTreeDepth);
  const base = { ...dimConsts(dims), ...chainConsts(), ...layout };
  const perChain = (
    name: 'begin' | 'double' | 'leaf' | 'combine' | 'end',
    extra: { consts?: Record<string, WgslConst>; bindings: readonly BindingSpec[]; libraries: readonly WgslLibrary[]; params?: object },
  ) =>
    defineProgram({
      family: `train_nuts_${name}`,
      params: { dims, maxTreeDepth: hmc.maxTreeDepth, ...(extra.params ?? {}) },
      uniform: STEP,
      wgsl: {
        consts: { ...base, ...(extra.consts ?? {}) },
        structs: [MODEL_CONSTANTS],
        bindings: [stepBinding, modelsBinding, ...extra.bindings],
        libraries: [FLAT_INDEX, STEP_KEY, NUTS_COMMON, ...extra.libraries],
        body: [`train/nuts-${name}`],
      },
      workgroups: (_, max) => flatGrid(dims.models, max),
    });
  return {
    begin: perChain('begin', {
      consts: { STREAM_HMC_MOMENTUM: u32(STREAM_HMC_MOMENTUM) },
      bindings: [readF32('theta'), readF32('grad'), readF32('hmc_chain'), writeF32('hmc_p'), writeF32('nuts_tree'), writeF32('nuts_vec')],
      libraries: [PHILOX, RANDOM],
    }),
    double: perChain('double', {
      consts: { STREAM_NUTS_TREE: u32(STREAM_NUTS_TREE) },
      bindings: [readF32('hmc_chain'), writeF32('theta'), writeF32('grad'), writeF32('hmc_p'), writeF32('nuts_tree'), writeF32('nuts_vec')],
      libraries: [PHILOX],
    }),
    kickDrift: hmcLeapfrogProgram(shape, true, layout),
    kick: hmcLeapfrogProgram(shape, false, layout),
    leaf: perChain('leaf', {
      consts: { STREAM_NUTS_LEAF: u32(STREAM_NUTS_LEAF), DIVERGENCE_THRESHOLD: f32(DIVERGENCE_THRESHOLD), NEGLIGIBLE_LOG_WEIGHT: f32(NEGLIGIBLE_LOG_WEIGHT) },
      bindings: [readF32('epoch_loss'), readF32('theta'), readF32('grad'), readF32('hmc_p'), writeF32('nuts_tree'), writeF32('nuts_vec')],
      libraries: [PHILOX, RANDOM, FINITE],
    }),
    combine: perChain('combine', {
      consts: { STREAM_NUTS_TREE: u32(STREAM_NUTS_TREE) },
      bindings: [readF32('theta'), readF32('grad'), readF32('hmc_p'), writeF32('nuts_tree'), writeF32('nuts_vec')],
      libraries: [PHILOX, RANDOM],
    }),
    end: perChain('end', {
      bindings: [readF32('nuts_vec'), readF32('nuts_tree'), writeF32('theta'), writeF32('grad'), ...hmcTraceBindings],
      libraries: [hmcEndLibrary(hmcEndParams(hmc))],
      params: { end: hmcEndParams(hmc) },
    }),
  };
}
