/**
 * Whether the observation noise a model implies stays inside float32 on the GPU.
 *
 * The likelihood's scale is s = sigma (link 'sigma') or s = sigma^2 (link 'sigma2'), and the
 * engine also forms the noise variance s^2 (the aleatoric part of the predictive variance, and the
 * denominator of log N(y | f, s)). Both s and s^2 must be finite, normal float32 numbers: an
 * overflowing s^2 reports an infinite aleatoric std, and a subnormal one is flushed to 0 on many
 * GPUs (WGSL allows it), which reports aleatoric std 0 and divides by zero in the likelihood. So
 * sigma itself must lie in [MIN_NORMAL^(1/2k), MAX^(1/2k)] with k = 1 or 2 — about [1.1e-19, 1.8e19]
 * for 'sigma' and [3.3e-10, 4.3e9] for 'sigma2' — far wider than any data set's noise.
 *
 * A latent sigma is checked at the extremes of its draws: LogNormal draws exp(loc + scale z) with
 * |z| <= LOGNORMAL_Z_MAX, and Gamma draws between a lower quantile bound and a far upper tail.
 */
import { sigmoid } from '../math/activations.js';
import { lgamma } from '../math/special.js';
import { FLOAT32_MAX, FLOAT32_MIN_NORMAL, isFloat32PositiveNormal } from '../float32.js';
import type { NormalLikelihood } from './spec.js';

export type Link = NormalLikelihood['link'];

/**
 * Largest |z| of a standard normal the samplers draw: Box-Muller from 24-bit uniforms gives at most
 * sqrt(-2 ln 2^-24) = 5.77, so every LogNormal draw lies within loc ± 6 scale.
 */
export const LOGNORMAL_Z_MAX = 6;

/**
 * Gamma draws are checked above this lower-tail probability: P(g < t) <= t^a / Gamma(a + 1) for
 * g ~ Gamma(a, 1), so t = (1e-9 Gamma(a + 1))^(1/a) bounds the 1e-9 quantile from below.
 */
export const GAMMA_LOWER_TAIL = 1e-9;

/**
 * Gamma draws are checked up to mean + GAMMA_UPPER_STDS std. For every concentration that passes
 * the lower-tail check (above ~0.3: smaller ones underflow there) less than 1e-9 of the mass lies
 * beyond it (test/model/hostile-noise.test.ts checks this against the incomplete gamma function).
 */
export const GAMMA_UPPER_STDS = 40;

/** Whether sigma gives a likelihood scale and noise variance that are finite, normal float32 numbers. */
export function noiseScaleFits(sigma: number, link: Link): boolean {
  const sigma32 = Math.fround(sigma);
  const scale = link === 'sigma2' ? Math.fround(sigma32 * sigma32) : sigma32;
  const variance = Math.fround(scale * scale);
  return isFloat32PositiveNormal(sigma32) && isFloat32PositiveNormal(scale) && isFloat32PositiveNormal(variance);
}

/** The range of sigma that noiseScaleFits accepts, for messages ('[1.1e-19, 1.8e19]'). */
export function sigmaRangeText(link: Link): string {
  const root = link === 'sigma2' ? 4 : 2;
  const low = FLOAT32_MIN_NORMAL ** (1 / root);
  const high = FLOAT32_MAX ** (1 / root);
  return `[${low.toPrecision(2)}, ${high.toPrecision(2)}]`;
}

/** What a link means for messages. */
export function linkText(link: Link): string {
  return link === 'sigma2' ? "with link 'sigma2' (scale = sigma^2)" : "with link 'sigma'";
}

/** The smallest and largest sigma a LogNormal(loc, scale) posterior draws. */
export function lognormalExtremes(loc: number, scale: number): { low: number; high: number } {
  return { low: Math.exp(loc - LOGNORMAL_Z_MAX * scale), high: Math.exp(loc + LOGNORMAL_Z_MAX * scale) };
}

/**
 * Bounds on sigma ~ Gamma(concentration, rate) (draws g / rate): `low` is below the
 * GAMMA_LOWER_TAIL quantile (see there), `high` is mean + GAMMA_UPPER_STDS std. Computed in logs
 * so that large concentrations do not overflow float64 on the way.
 */
export function gammaExtremes(concentration: number, rate: number): { low: number; high: number } {
  const logLowerQuantile = (Math.log(GAMMA_LOWER_TAIL) + lgamma(concentration + 1)) / concentration;
  return {
    low: Math.exp(logLowerQuantile - Math.log(rate)),
    high: (concentration + GAMMA_UPPER_STDS * Math.sqrt(concentration)) / rate,
  };
}

/**
 * The smallest and largest sigma a LogitNormal posterior on (low, high) draws: sigma = low + (high -
 * low) * sigmoid(u) is increasing in u = loc + scale z, so its ends are at z = ∓LOGNORMAL_Z_MAX.
 */
export function logitnormalExtremes(loc: number, scale: number, low: number, high: number): { low: number; high: number } {
  const at = (u: number) => low + (high - low) * sigmoid(u);
  return { low: at(loc - LOGNORMAL_Z_MAX * scale), high: at(loc + LOGNORMAL_Z_MAX * scale) };
}
