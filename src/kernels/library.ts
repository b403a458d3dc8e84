/** The WGSL libraries under shaders/lib with the constants each reads from the host's definitions. */
import { GELU_SATURATION, TANH_CLAMP } from '../math/activations.js';
import { GAMMA_MAX_ATTEMPTS, STREAM_NOISE, STREAM_OBSERVATION, STREAM_OBSERVATION_GAMMA } from '../random/streams.js';
import type { Activation } from '../math/activations.js';
import type { Defines } from './preprocess.js';
import { WORKGROUP_SIZE } from './program.js';
import { f32, u32, type WgslLibrary } from './wgsl.js';

export const PHILOX: WgslLibrary = { file: 'lib/philox' };

export const RANDOM: WgslLibrary = {
  file: 'lib/random',
  consts: { STREAM_NOISE: u32(STREAM_NOISE), GAMMA_MAX_ATTEMPTS: u32(GAMMA_MAX_ATTEMPTS) },
  needs: [PHILOX],
};

export const MATH: WgslLibrary = { file: 'lib/math', consts: { TANH_CLAMP: f32(TANH_CLAMP), GELU_SATURATION: f32(GELU_SATURATION) } };

export const SHUFFLE: WgslLibrary = { file: 'lib/shuffle' };

export const NORMAL_CDF: WgslLibrary = { file: 'lib/normal-cdf' };

/**
 * The observation models' log-likelihoods, gradients of -log p, moments and entropies for one
 * output (bernoulli, beta, student-t) and digamma: the f32 twins of src/math/likelihoods.ts.
 */
export const LIKELIHOOD: WgslLibrary = { file: 'lib/likelihood', needs: [MATH] };

/**
 * The K-class functions (categorical, dirichlet, entropies) on array<f32, CLASSES> values; K is a
 * compile-time constant of the program using it.
 */
export function likelihoodClasses(classes: number): WgslLibrary {
  if (!Number.isInteger(classes) || classes < 2) throw new RangeError(`internal: ${classes} classes (K >= 2)`);
  return { file: 'lib/likelihood-classes', consts: { CLASSES: u32(classes) }, needs: [LIKELIHOOD] };
}

/** Draws of y for the non-Normal likelihoods (Gamma per element, Bernoulli, Beta, Student-t): the f32 twin of src/random/observation-draws.ts. */
export const OBSERVATION_DRAWS: WgslLibrary = {
  file: 'lib/observation-draws',
  consts: { STREAM_OBSERVATION: u32(STREAM_OBSERVATION), STREAM_OBSERVATION_GAMMA: u32(STREAM_OBSERVATION_GAMMA) },
  needs: [RANDOM, MATH],
};

/** flat_index(): the thread index of a grid folded into x and y (flatGrid in program.ts). */
export const FLAT_INDEX: WgslLibrary = { file: 'lib/flat-index', consts: { WORKGROUP_SIZE: u32(WORKGROUP_SIZE) } };

/** activate() and activate_grad() of one activation, chosen by activationDefines. */
export const ACTIVATION: WgslLibrary = { file: 'lib/activation', needs: [MATH] };

/** The defines of lib/activation for one activation. */
export function activationDefines(activation: Activation): Defines {
  return {
    ACT_RELU: activation === 'relu',
    ACT_TANH: activation === 'tanh',
    ACT_SIGMOID: activation === 'sigmoid',
    ACT_GELU: activation === 'gelu',
    ACT_LEAKY: activation === 'leaky_relu',
    ACT_PRELU: activation === 'prelu',
    ACT_SILU: activation === 'silu',
  };
}
