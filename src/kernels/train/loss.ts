/**
 * The per-model loss of a step and its gradient over the network's outputs and the noise (and
 * prior-precision) parameters: shaders/train/loss.wgsl with the method's model_loss
 * (shaders/train/loss-<method>.wgsl). One thread per model.
 */
import { ENSEMBLE_MIN_SCALE, PRECISION_HYPERPRIOR } from '../../objective/constants.js';
import type { TrainLayerLayout } from '../../objective/layout.js';
import { TRAIN_MIN_CONCENTRATION, type TrainLikelihoodInfo } from '../../objective/likelihood.js';
import type { TrainLikelihood } from '../../objective/types.js';
import type { TrainShape } from '../../objective/shape.js';
import { readF32, writeF32 } from '../bindings.js';
import { FLAT_INDEX, LIKELIHOOD, MATH, likelihoodClasses } from '../library.js';
import { defineProgram, flatGrid, type Program } from '../program.js';
import type { WgslSourceName } from '../wgsl.generated.js';
import { f32, u32, u32s, type WgslConst, type WgslLibrary } from '../wgsl.js';
import { dimConsts, stepDims } from './dims.js';
import { PRIOR } from './layer.js';
import { stepBufferLayout } from './step-buffers.js';
import { MODEL_CONSTANTS, modelsBinding } from './step.js';

/** net_out, set_d_out (shaders/train/outputs.wgsl). */
const OUTPUTS: WgslLibrary = { file: 'train/outputs' };

/**
 * row_nll, clear_d_out: the data term of a likelihood without a noise scale
 * (shaders/train/likelihood.wgsl) on the shared likelihood maths (lib/likelihood, and
 * lib/likelihood-classes over the K outputs of categorical and dirichlet).
 */
function trainLikelihood(likelihood: TrainLikelihoodInfo): WgslLibrary {
  const maths = likelihood.classes > 0 ? likelihoodClasses(likelihood.classes) : LIKELIHOOD;
  return { file: 'train/likelihood', consts: { MIN_CONCENTRATION: f32(TRAIN_MIN_CONCENTRATION) }, needs: [maths, OUTPUTS] };
}

/** y ~ StudentT(df, f, σ) in a scale method (shaders/train/student-t.wgsl): df fixed (DF) or learnt (θ[DF_OFFSET] = log df, define LEARN_DF). */
function studentT(layout: TrainShape['layout']): WgslLibrary {
  const df = layout.likelihood.degreesOfFreedom;
  return { file: 'train/student-t', consts: { DF: f32(df ?? 1), DF_OFFSET: u32(Math.max(layout.degreesOfFreedom, 0)) }, needs: [LIKELIHOOD] };
}

/**
 * hetero_row, hetero_skip: the data term of a heteroscedastic head, 'ensemble''s and every other
 * method's with the option (shaders/train/heteroscedastic.wgsl); NLL_BETA: TrainOptions.betaNll.
 */
function heteroscedastic(likelihood: TrainLikelihoodInfo): WgslLibrary {
  return { file: 'train/heteroscedastic', consts: { MIN_SCALE: f32(ENSEMBLE_MIN_SCALE), NLL_BETA: f32(likelihood.betaNll) }, needs: [MATH, OUTPUTS] };
}

/** The defines of train/likelihood: one per likelihood without a noise scale (none for normal). */
function likelihoodDefines(kind: TrainLikelihood): Record<string, boolean> {
  return { LIK_CATEGORICAL: kind === 'categorical', LIK_BERNOULLI: kind === 'bernoulli', LIK_BETA: kind === 'beta', LIK_DIRICHLET: kind === 'dirichlet' };
}

const MODEL_LOSS: Readonly<Record<TrainShape['layout']['method'], WgslSourceName>> = {
  vi: 'train/loss-vi',
  map: 'train/loss-map',
  'mc-dropout': 'train/loss-mc-dropout',
  ensemble: 'train/loss-ensemble',
  // 'map''s data term and log_sigma, its prior replaced by the concrete regulariser (define CONCRETE).
  'concrete-dropout': 'train/loss-map',
};

/** Every layer's shape and θ offsets as constant arrays, for the prior terms' loops over layers. */
function layerTables(layers: readonly TrainLayerLayout[]): Record<string, WgslConst> {
  const column = (f: (l: TrainLayerLayout) => number) => u32s(layers.map((l) => Math.max(f(l), 0)));
  return {
    LAYERS: u32(layers.length),
    LAYER_INPUTS: column((l) => l.inputs),
    LAYER_UNITS: column((l) => l.units),
    LAYER_WEIGHT: column((l) => l.weight),
    LAYER_WEIGHT_RHO: column((l) => l.weightRho),
    LAYER_BIAS: column((l) => l.bias),
    LAYER_BIAS_RHO: column((l) => l.biasRho),
  };
}

/** The constants of the method's model_loss. */
function methodConsts(shape: TrainShape): Record<string, WgslConst> {
  const layout = shape.layout;
  switch (layout.method) {
    case 'vi':
      return {
        // No sigma site (layout.noise -1) for a likelihood without a noise scale: the offsets go unread.
        SIGMA_LOC_OFFSET: u32(Math.max(layout.noise, 0)),
        SIGMA_RHO_OFFSET: u32(Math.max(layout.noise + 1, 0)),
        PRECISION_OFFSET: u32(Math.max(layout.precision, 0)),
        SIGMA_PRIOR_CONCENTRATION: f32(shape.sigmaPrior.concentration),
        SIGMA_PRIOR_RATE: f32(shape.sigmaPrior.rate),
        PRECISION_PRIOR_CONCENTRATION: f32(PRECISION_HYPERPRIOR.concentration),
        PRECISION_PRIOR_RATE: f32(PRECISION_HYPERPRIOR.rate),
      };
    case 'map':
      return { LOG_SIGMA_OFFSET: u32(Math.max(layout.noise, 0)) };
    case 'concrete-dropout':
      return { LOG_SIGMA_OFFSET: u32(Math.max(layout.noise, 0)), DROPOUT_LOGIT_OFFSET: u32(layout.dropoutLogit) };
    case 'mc-dropout':
      return {};
    case 'ensemble':
      return {};
  }
}

/**
 * What the loss program does with each model's loss: 'accumulate' adds it to the epoch's, 'store'
 * writes it there ('hmc''s potential, one evaluation at a time), 'none' drops it (adversarial
 * training's first pass, which only needs the gradient over the inputs).
 */
export type LossOutput = 'accumulate' | 'store' | 'none';

/** The loss of every model and its gradient over the outputs (and noise parameters). */
export function lossProgram(shape: TrainShape, output: LossOutput = 'accumulate'): Program<void> {
  const accumulate = output === 'accumulate';
  const layout = shape.layout;
  const dims = stepDims(shape);
  const last = layout.layers[layout.layers.length - 1];
  if (!last) throw new Error('internal: a network without layers');
  const p = {
    dims,
    method: layout.method,
    likelihood: layout.likelihood,
    heteroscedastic: layout.heteroscedastic,
    hierarchical: shape.hierarchical,
    sigmaPrior: shape.sigmaPrior,
    layers: layout.layers.map((l) => ({ inputs: l.inputs, units: l.units, weight: l.weight, weightRho: l.weightRho, bias: l.bias, biasRho: l.biasRho })),
    noise: layout.noise,
    fixedNoise: layout.fixedNoise,
    precision: layout.precision,
    dropoutLogit: layout.dropoutLogit,
    outputOffset: stepBufferLayout(shape).act[last.index] ?? 0,
    output,
  };
  const scale = layout.likelihood.scale;
  const student = layout.likelihood.kind === 'student-t';
  const vi = layout.method === 'vi';
  const hetero = layout.heteroscedastic;
  return defineProgram({
    family: 'train_loss',
    label: output === 'accumulate' ? 'train_loss' : output === 'store' ? 'train_loss_store' : 'train_loss_input_pass',
    params: p,
    wgsl: {
      consts: {
        ...dimConsts(dims),
        ...layerTables(layout.layers),
        OUTPUT_OFFSET: u32(p.outputOffset),
        OUTPUT_UNITS: u32(last.units),
        TY: u32(layout.likelihood.targetWidth),
        ...methodConsts(shape),
      },
      structs: [MODEL_CONSTANTS],
      bindings: [
        readF32('theta'),
        readF32('yb'),
        readF32('valid'),
        modelsBinding,
        readF32('h'),
        ...(vi && layout.noise >= 0 ? [readF32('sig')] : []),
        writeF32('dh'),
        writeF32('grad'),
        writeF32('model_active'),
        writeF32('epoch_loss'),
      ],
      libraries: [
        FLAT_INDEX,
        MATH,
        OUTPUTS,
        ...(scale ? [] : [trainLikelihood(layout.likelihood)]),
        ...(student ? [studentT(layout)] : []),
        ...(hetero ? [heteroscedastic(layout.likelihood)] : []),
        ...(vi ? [PRIOR] : []),
      ],
      body: [MODEL_LOSS[layout.method], 'train/loss'],
      defines: {
        ACCUMULATE: accumulate,
        STORE: output === 'store',
        HIERARCHICAL: shape.hierarchical,
        SCALE: scale,
        STUDENT: student,
        HETERO: hetero,
        BETA_NLL: layout.likelihood.betaNll > 0,
        CONCRETE: layout.method === 'concrete-dropout',
        LEARN_DF: layout.degreesOfFreedom >= 0,
        FIXED_SIGMA: layout.fixedNoise,
        ...likelihoodDefines(layout.likelihood.kind),
      },
    },
    workgroups: (_, max) => flatGrid(dims.models, max),
  });
}
