/**
 * The priors a latent sigma may have (SigmaPrior in spec.ts): their fields, their support and how
 * they read in messages and in `info`. The densities themselves are in src/math/densities.ts (float64)
 * and shaders/lib/math.wgsl (float32).
 */
import type { NoiseSpec, SigmaPrior, SigmaPriorKind } from './spec.js';
import { sigmaPriorKind } from './spec.js';

/** The numeric fields of each kind, in the order torch's constructor takes them. */
export const SIGMA_PRIOR_FIELDS: Readonly<Record<SigmaPriorKind, readonly string[]>> = {
  gamma: ['concentration', 'rate'],
  lognormal: ['loc', 'scale'],
  halfnormal: ['scale'],
  halfcauchy: ['scale'],
  exponential: ['rate'],
  uniform: ['low', 'high'],
};

/** torch.distributions' class name of each kind. */
const DISTRIBUTION_NAMES: Readonly<Record<SigmaPriorKind, string>> = {
  gamma: 'Gamma',
  lognormal: 'LogNormal',
  halfnormal: 'HalfNormal',
  halfcauchy: 'HalfCauchy',
  exponential: 'Exponential',
  uniform: 'Uniform',
};

/** The prior's parameters in SIGMA_PRIOR_FIELDS order. */
export function sigmaPriorParameters(prior: SigmaPrior): number[] {
  const record = prior as unknown as Readonly<Record<string, number>>;
  return SIGMA_PRIOR_FIELDS[sigmaPriorKind(prior)].map((field) => record[field] ?? NaN);
}

/** 'Gamma(0.5, 1)', 'Uniform(0, 10)', ...: the prior as torch.distributions writes it. */
export function describeSigmaPrior(prior: SigmaPrior): string {
  return `${DISTRIBUTION_NAMES[sigmaPriorKind(prior)]}(${sigmaPriorParameters(prior).join(', ')})`;
}

/**
 * Where the prior's density is positive: [low, high) for Uniform, (0, inf) for the others (their
 * support is [0, inf), but sigma = 0 is no noise scale, and Pyro's AutoNormal maps them by log).
 */
export function sigmaPriorSupport(prior: SigmaPrior): { readonly low: number; readonly high: number } {
  return prior.kind === 'uniform' ? { low: prior.low, high: prior.high } : { low: 0, high: Infinity };
}

/** The interval a latent sigma's posterior draws from: (low, high) for 'logitnormal', (0, inf) otherwise. */
export function noiseSupport(noise: NoiseSpec): { readonly low: number; readonly high: number } {
  return noise.kind === 'logitnormal' ? { low: noise.low, high: noise.high } : { low: 0, high: Infinity };
}
