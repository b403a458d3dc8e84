/**
 * PredictOptions read once, with their defaults, for every place that predicts: the GPU engine,
 * the float64 oracle and the ensemble helpers. A bad option shape (null, a string where a number
 * belongs, an unknown key) is an InvalidInputError naming it.
 */
import { InvalidInputError } from '../errors.js';
import { normalQuantile } from '../math/special.js';
import { abortSignalOption, booleanOption, describeValue, integerOption, numberOption, oneOfOption, optional, readOptionsObject } from '../options.js';
import type { KernelChoice, PredictOptions, SamplingPath } from './types.js';
import type { AbortSignalLike } from '../platform-types.js';

export const DEFAULT_SAMPLES = 1000;
export const DEFAULT_INTERVAL_LEVEL = 0.9;
/** Largest S: the sample index is a u32 counter word of the RNG. */
export const MAX_SAMPLES = 0xffffffff;

const PREDICT_OPTION_KEYS = ['samples', 'seed', 'y', 'returnSamples', 'intervalLevel', 'path', 'kernel', 'quantiles', 'signal'] as const;
/** Most quantile levels one call computes (each is a bisection over all samples). */
export const MAX_QUANTILE_LEVELS = 64;
const PATHS: readonly (SamplingPath | 'auto')[] = ['auto', 'joint', 'marginal'];
/** PredictOptions.kernel's values (the CLI's --kernel reads the same list). */
export const KERNEL_CHOICES: readonly KernelChoice[] = ['auto', 'fused', 'tiled', 'registers', 'materialized', 'lanes', 'subgroups', 'network', 'calibrate'];

export interface ResolvedPredictOptions {
  readonly samples: number;
  readonly seed: number;
  readonly intervalLevel: number;
  /** Φ⁻¹((1 + level) / 2): the interval's half-width in standard deviations. */
  readonly intervalZ: number;
  /** 'auto' until the call's shape is known: resolvePath decides. */
  readonly path: SamplingPath | 'auto';
  readonly kernel: KernelChoice;
  readonly returnSamples: boolean;
  /** Still unchecked: its shape depends on the model and on x. */
  readonly y: PredictOptions['y'];
  readonly signal: AbortSignalLike | undefined;
  /** Quantile levels, each in (0, 1); empty when none were asked for. */
  readonly quantiles: readonly number[];
}

/** Checks every option's type and range and fills the defaults of types.ts. */
export function resolvePredictOptions(options: unknown, what = 'predict options'): ResolvedPredictOptions {
  const o = readOptionsObject(options, PREDICT_OPTION_KEYS, what);
  const intervalLevel = optional(o['intervalLevel'], DEFAULT_INTERVAL_LEVEL, (v) => numberOption(v, 'intervalLevel', { min: 0, max: 1, exclusive: true }));
  const path = optional(o['path'], 'auto', (v) => oneOfOption(v, 'path', PATHS));
  const returnSamples = optional(o['returnSamples'], false, (v) => booleanOption(v, 'returnSamples'));
  if (path === 'marginal' && returnSamples) {
    throw new InvalidInputError('returnSamples needs the joint path: marginal draws have no per-sample functions');
  }
  return {
    samples: optional(o['samples'], DEFAULT_SAMPLES, (v) => integerOption(v, 'samples', 1, MAX_SAMPLES)),
    seed: optional(o['seed'], 0, (v) => integerOption(v, 'seed', 0)),
    intervalLevel,
    intervalZ: normalQuantile((1 + intervalLevel) / 2),
    path,
    kernel: optional(o['kernel'], 'auto', (v) => oneOfOption(v, 'kernel', KERNEL_CHOICES)),
    returnSamples,
    y: o['y'] as PredictOptions['y'],
    signal: optional(o['signal'], undefined, (v) => abortSignalOption(v, 'signal')),
    quantiles: optional(o['quantiles'], [] as number[], readQuantileLevels),
  };
}

function readQuantileLevels(value: unknown): number[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_QUANTILE_LEVELS) {
    throw new InvalidInputError(`quantiles must be an array of 1..${MAX_QUANTILE_LEVELS} levels in (0, 1), got ${describeValue(value)}`);
  }
  return value.map((v: unknown, i) => numberOption(v, `quantiles[${i}]`, { min: 0, max: 1, exclusive: true }));
}

/**
 * Most inputs for which 'auto' takes the marginal path. Measured with `npm run bench:paths`
 * (bench/README.md) on SwiftShader for 13-50-50-1, S = 1000: marginal/joint time 0.29 at N = 1,
 * 0.68 at N = 2, 1.95 at N = 4, 3.6 at N = 16, so the paths cross near N = 2.6. Both paths' cost
 * per input grows with the weight count (the marginal path runs two matrix-vector products per
 * input and sample, the joint path one, after drawing every weight once per sample), so the
 * crossover does not move with the shape to first order: a count, not a ratio of sizes. (A
 * "fewer normals drawn" rule, N·Σunits <= Σweights, put it at N = 31 and was 2-9x slow between.)
 */
export const AUTO_MARGINAL_MAX_INPUTS = 2;

/**
 * The sampling path of a call. 'auto' takes the marginal path for at most AUTO_MARGINAL_MAX_INPUTS
 * inputs, unless per-sample functions are asked
 * for (returnSamples; or y with N > 1, whose per-sample log-likelihood sums a function's values
 * only on the joint path, while at N = 1 both paths draw the same distribution) or a joint-path
 * kernel is named (kernel other than 'auto').
 * The rule reads the shape only, never the adapter, so a seed gives the same numbers on every
 * device, and the float64 oracle resolves it the same way.
 */
export function resolvePath(n: number, o: Pick<ResolvedPredictOptions, 'path' | 'kernel' | 'returnSamples' | 'y'>): SamplingPath {
  if (o.path !== 'auto') return o.path;
  if (o.returnSamples || (o.y !== undefined && n > 1) || o.kernel !== 'auto') return 'joint';
  return n <= AUTO_MARGINAL_MAX_INPUTS ? 'marginal' : 'joint';
}

/**
 * An ensemble's path: 'auto' resolves as for one model (the rule reads N only), but not to marginal with
 * quantiles (the mixture's quantiles are taken over the members' stored per-sample functions).
 */
export function resolveEnsemblePath(n: number, o: Pick<ResolvedPredictOptions, 'path' | 'kernel' | 'returnSamples' | 'y' | 'quantiles'>): SamplingPath {
  if (o.path === 'auto' && o.quantiles.length > 0) return 'joint';
  return resolvePath(n, o);
}
