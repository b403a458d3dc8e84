/**
 * Reductions of a chunk's Monte-Carlo samples into running, mergeable statistics, so any number of
 * sample chunks fold in without keeping samples (shaders/infer/*.wgsl say how each merges):
 * moments (Welford / Chan), per-(sample, input) log-likelihoods, a running logsumexp of them per
 * input, per-sample sums, and finalize, which writes the statistics' planes. Plus the exact
 * quantiles over stored samples.
 */
import type { ModelLayout } from '../../model/gpu-layout.js';
import { STREAM_OBSERVATION } from '../../random/streams.js';
import { QUANTILE_BISECTION_STEPS, QUANTILE_BRACKET_SCALES } from '../../math/mixture-quantile.js';
import { LIKELIHOOD, MATH, NORMAL_CDF, OBSERVATION_DRAWS, RANDOM, FLAT_INDEX, likelihoodClasses } from '../library.js';
import { defineProgram, flatGrid, linearGrid, type Program } from '../program.js';
import { f32, u32, type BindingSpec, type WgslConst, type WgslLibrary } from '../wgsl.js';
import { readF32, writeF32 } from '../bindings.js';
import { CHUNK, chunkBinding } from './chunk.js';
import type { ChunkRun } from './dense.js';
import { CHUNK_KEY } from './libraries.js';

/** f_of and scale_of (shaders/infer/outputs.wgsl). */
const OUTPUTS: WgslLibrary = { file: 'infer/outputs', needs: [MATH] };

/** What of the layout the output functions compile in. */
function outputParams(layout: ModelLayout) {
  if (!layout.noise) throw new RangeError(`internal: a '${layout.likelihood}' likelihood has no noise model`);
  const noise = layout.noise.spec;
  return {
    D: layout.outputDim,
    lastUnitsPadded: layout.lastUnitsPadded,
    yMeanOffset: layout.yMeanOffset,
    yStdOffset: layout.yStdOffset,
    heteroscedastic: noise.kind === 'heteroscedastic',
    minScale: noise.kind === 'heteroscedastic' ? noise.minScale : 0,
    link: layout.noise.link,
  };
}

type OutputParams = ReturnType<typeof outputParams>;

function outputConsts(o: OutputParams): Record<string, WgslConst> {
  return { D: u32(o.D), LAST: u32(o.lastUnitsPadded), Y_MEAN: u32(o.yMeanOffset), Y_STD: u32(o.yStdOffset), MIN_SCALE: f32(o.minScale) };
}

function outputBindings(o: OutputParams): BindingSpec[] {
  return [readF32('params'), readF32('act'), ...(o.heteroscedastic ? [] : [readF32('scales')])];
}

function outputDefines(o: OutputParams) {
  return { HETEROSCEDASTIC: o.heteroscedastic, LINK_SIGMA2: o.link === 'sigma2' };
}

/**
 * Moments of f and the noise variance per (n, d). `storeSamples` also writes every sample's f and
 * scale (returnSamples, quantiles); `drawObservations` a draw of y per sample (returnSamples).
 */
export function momentsProgram(layout: ModelLayout, storeSamples: boolean, drawObservations = false): Program<ChunkRun> {
  const o = outputParams(layout);
  return defineProgram({
    family: 'moments',
    params: { outputs: o, storeSamples, drawObservations },
    uniform: CHUNK,
    wgsl: {
      consts: { ...outputConsts(o), STREAM_OBSERVATION: u32(STREAM_OBSERVATION) },
      bindings: [
        chunkBinding,
        ...outputBindings(o),
        writeF32('acc'),
        ...(storeSamples ? [writeF32('f_out'), writeF32('scale_out')] : []),
        ...(drawObservations ? [writeF32('y_out')] : []),
      ],
      libraries: [CHUNK_KEY, OUTPUTS, ...(drawObservations ? [RANDOM] : [])],
      body: ['infer/moments'],
      defines: { ...outputDefines(o), STORE_SAMPLES: storeSamples, DRAW_OBSERVATIONS: drawObservations },
    },
    workgroups: (run) => linearGrid(run.nCount * o.D),
  });
}

export function loglikProgram(layout: ModelLayout): Program<ChunkRun> {
  const o = outputParams(layout);
  return defineProgram({
    family: 'loglik',
    params: { outputs: o },
    uniform: CHUNK,
    wgsl: {
      consts: outputConsts(o),
      bindings: [chunkBinding, ...outputBindings(o), readF32('y'), writeF32('ll')],
      libraries: [FLAT_INDEX, OUTPUTS],
      body: ['infer/loglik'],
      defines: outputDefines(o),
    },
    workgroups: (run, max) => flatGrid(run.sampleCount * run.nCount, max),
  });
}

/** A classifier's outputs: logit_of, logits_of, is_modal (shaders/infer/class-outputs.wgsl), over the likelihood maths. */
function classOutputs(o: ClassParams): WgslLibrary {
  return { file: 'infer/class-outputs', needs: [o.categorical ? likelihoodClasses(o.D) : LIKELIHOOD] };
}

/** What of the layout a classifier's programs compile in. */
function classParams(layout: ModelLayout) {
  if (layout.likelihood !== 'categorical' && layout.likelihood !== 'bernoulli') throw new RangeError(`internal: '${layout.likelihood}' is not a classifier`);
  return { D: layout.outputDim, lastUnitsPadded: layout.lastUnitsPadded, categorical: layout.likelihood === 'categorical' };
}

type ClassParams = ReturnType<typeof classParams>;

/** Per (n, d) of a classifier: the mean probability and its M2, the mean entropy term and the vote fraction (shaders/infer/class-moments.wgsl). */
export function classMomentsProgram(layout: ModelLayout, storeSamples: boolean, drawObservations = false): Program<ChunkRun> {
  const o = classParams(layout);
  return defineProgram({
    family: 'class_moments',
    params: { outputs: o, storeSamples, drawObservations },
    uniform: CHUNK,
    wgsl: {
      consts: { D: u32(o.D), LAST: u32(o.lastUnitsPadded) },
      bindings: [chunkBinding, readF32('act'), writeF32('acc'), ...(storeSamples ? [writeF32('f_out')] : []), ...(drawObservations ? [writeF32('y_out')] : [])],
      libraries: [classOutputs(o), ...(drawObservations ? [CHUNK_KEY, OBSERVATION_DRAWS] : [])],
      body: ['infer/class-moments'],
      defines: { CATEGORICAL: o.categorical, STORE_SAMPLES: storeSamples, DRAW_OBSERVATIONS: drawObservations },
    },
    workgroups: (run) => linearGrid(run.nCount * o.D),
  });
}

/** Per (sample, input) log-likelihood of a classifier's labels (shaders/infer/class-loglik.wgsl). */
export function classLoglikProgram(layout: ModelLayout): Program<ChunkRun> {
  const o = classParams(layout);
  return defineProgram({
    family: 'class_loglik',
    params: { outputs: o },
    uniform: CHUNK,
    wgsl: {
      consts: { D: u32(o.D), LAST: u32(o.lastUnitsPadded) },
      bindings: [chunkBinding, readF32('act'), readF32('y'), writeF32('ll')],
      libraries: [FLAT_INDEX, classOutputs(o)],
      body: ['infer/class-loglik'],
      defines: { CATEGORICAL: o.categorical },
    },
    workgroups: (run, max) => flatGrid(run.sampleCount * run.nCount, max),
  });
}

/** A classifier's statistic planes (src/infer/statistics.ts CLASS_PLANES) from its accumulators. */
export function classFinalizeProgram(layout: ModelLayout, withLpd: boolean): Program<ChunkRun> {
  const D = layout.outputDim;
  return defineProgram({
    family: 'class_finalize',
    params: { D, withLpd },
    uniform: CHUNK,
    wgsl: {
      consts: { D: u32(D) },
      bindings: [chunkBinding, readF32('acc'), ...(withLpd ? [readF32('lpd_acc')] : []), writeF32('stats')],
      body: ['infer/class-finalize'],
      defines: { WITH_LPD: withLpd },
    },
    workgroups: (run) => linearGrid(run.nCount * D),
  });
}

/** The likelihoods whose samples carry a mean and variance of their own (lik-moments.wgsl). */
type MomentKind = 'student-t' | 'beta' | 'dirichlet';

/** What of the layout a Student-t, Beta or Dirichlet predict compiles in. */
function likParams(layout: ModelLayout) {
  const spec = layout.likelihoodSpec;
  const kind = layout.likelihood as MomentKind;
  if (kind !== 'student-t' && kind !== 'beta' && kind !== 'dirichlet') throw new RangeError(`internal: '${layout.likelihood}' has no sample moments program`);
  return {
    kind,
    df: spec.kind === 'student-t' ? spec.df : 0,
    minConcentration: spec.kind === 'beta' || spec.kind === 'dirichlet' ? spec.minConcentration : 0,
    outputs: kind === 'student-t' ? outputParams(layout) : null,
    D: layout.outputDim,
    lastUnitsPadded: layout.lastUnitsPadded,
  };
}

type LikParams = ReturnType<typeof likParams>;

function likConsts(o: LikParams): Record<string, WgslConst> {
  return { ...(o.outputs ? outputConsts(o.outputs) : { D: u32(o.D), LAST: u32(o.lastUnitsPadded) }), DF: f32(o.df), MIN_CONC: f32(o.minConcentration) };
}

/** Student-t reads f and its scale (outputs.wgsl); Beta and Dirichlet their raw outputs (lik-outputs.wgsl). */
function likLibraries(o: LikParams): WgslLibrary[] {
  if (o.outputs) return [OUTPUTS, LIKELIHOOD];
  return [{ file: 'infer/lik-outputs', needs: [o.kind === 'dirichlet' ? likelihoodClasses(o.D) : LIKELIHOOD] }];
}

function likBindings(o: LikParams): BindingSpec[] {
  return o.outputs ? outputBindings(o.outputs) : [readF32('act')];
}

function likDefines(o: LikParams) {
  return { ...(o.outputs ? outputDefines(o.outputs) : {}), STUDENT_T: o.kind === 'student-t', BETA: o.kind === 'beta', DIRICHLET: o.kind === 'dirichlet' };
}

/** Per (n, d) of a Student-t, Beta or Dirichlet model: moments of the samples' means and the mean of their variances. */
export function likMomentsProgram(layout: ModelLayout, storeSamples: boolean, drawObservations = false): Program<ChunkRun> {
  const o = likParams(layout);
  return defineProgram({
    family: 'lik_moments',
    params: { lik: o, storeSamples, drawObservations },
    uniform: CHUNK,
    wgsl: {
      consts: likConsts(o),
      bindings: [chunkBinding, ...likBindings(o), writeF32('acc'), ...(storeSamples ? [writeF32('f_out')] : []), ...(drawObservations ? [writeF32('y_out')] : [])],
      libraries: [...likLibraries(o), CHUNK_KEY, OBSERVATION_DRAWS],
      body: ['infer/lik-moments'],
      defines: { ...likDefines(o), STORE_SAMPLES: storeSamples, DRAW_OBSERVATIONS: drawObservations },
    },
    workgroups: (run) => linearGrid(run.nCount * o.D),
  });
}

/** Per (sample, input) log-likelihood of a Student-t, Beta or Dirichlet model's targets. */
export function likLoglikProgram(layout: ModelLayout): Program<ChunkRun> {
  const o = likParams(layout);
  return defineProgram({
    family: 'lik_loglik',
    params: { lik: o },
    uniform: CHUNK,
    wgsl: {
      consts: likConsts(o),
      bindings: [chunkBinding, ...likBindings(o), readF32('y'), writeF32('ll')],
      libraries: [FLAT_INDEX, ...likLibraries(o)],
      body: ['infer/lik-loglik'],
      defines: likDefines(o),
    },
    workgroups: (run, max) => flatGrid(run.sampleCount * run.nCount, max),
  });
}

/** -FLT_MAX: the running maximum's start. */
const NEG_MAX = -3.4028234663852886e38;

export function lpdProgram(): Program<ChunkRun> {
  return defineProgram({
    family: 'lpd',
    params: {},
    uniform: CHUNK,
    wgsl: { consts: { NEG_MAX: f32(NEG_MAX) }, bindings: [chunkBinding, readF32('ll'), writeF32('lpd_acc')], body: ['infer/lpd'] },
    workgroups: (run) => linearGrid(run.nCount),
  });
}

export function sampleLoglikProgram(): Program<ChunkRun> {
  return defineProgram({
    family: 'sample_loglik',
    params: {},
    uniform: CHUNK,
    wgsl: { consts: {}, bindings: [chunkBinding, readF32('ll'), writeF32('sample_ll')], body: ['infer/sample-loglik'] },
    workgroups: (run) => linearGrid(run.sampleCount),
  });
}

export function finalizeProgram(layout: ModelLayout, withLpd: boolean): Program<ChunkRun> {
  const D = layout.outputDim;
  // Beta and Dirichlet outcomes lie in [0, 1]: their interval is clipped (the key keeps the Normal's as it was).
  const clipUnit = layout.likelihood === 'beta' || layout.likelihood === 'dirichlet';
  return defineProgram({
    family: 'finalize',
    params: { D, withLpd, ...(clipUnit ? { clipUnit } : {}) },
    uniform: CHUNK,
    wgsl: {
      consts: { D: u32(D) },
      bindings: [chunkBinding, readF32('acc'), ...(withLpd ? [readF32('lpd_acc')] : []), writeF32('stats')],
      body: ['infer/finalize'],
      defines: { WITH_LPD: withLpd, CLIP_UNIT: clipUnit },
    },
    workgroups: (run) => linearGrid(run.nCount * D),
  });
}

/** The extent of a quantile pass: every (n, d) of the call. */
export interface QuantileRun {
  readonly n: number;
}

export function quantileProgram(outputDim: number): Program<QuantileRun> {
  return defineProgram({
    family: 'quantile',
    params: { D: outputDim },
    uniform: CHUNK,
    wgsl: {
      consts: { D: u32(outputDim), STEPS: u32(QUANTILE_BISECTION_STEPS), BRACKET: f32(QUANTILE_BRACKET_SCALES) },
      bindings: [chunkBinding, readF32('f_all'), readF32('scale_all'), readF32('levels'), writeF32('quantiles')],
      libraries: [NORMAL_CDF],
      body: ['infer/quantile'],
    },
    workgroups: (run) => linearGrid(run.n * outputDim),
  });
}
