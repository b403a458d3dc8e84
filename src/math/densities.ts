/**
 * Log densities in float64, parameterised as Pyro/torch do (Gamma by concentration and rate).
 * A point outside the support gives -Infinity; an invalid parameter (negative or NaN scale, rate or
 * concentration) gives NaN rather than throwing, so a bad value shows up in the sum it lands in.
 */
import { lgamma } from './special.js';

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** log N(x | loc, scale). scale = 0 is the point mass at loc (+Infinity there, -Infinity elsewhere). */
export function normalLogPdf(x: number, loc: number, scale: number): number {
  if (!(scale >= 0)) return NaN;
  if (scale === 0) return Number.isNaN(x) || Number.isNaN(loc) ? NaN : x === loc ? Infinity : -Infinity;
  const z = (x - loc) / scale;
  return -0.5 * z * z - Math.log(scale) - LOG_SQRT_2PI;
}

/** log LogNormal(x | loc, scale), where loc and scale are those of log x. */
export function logNormalLogPdf(x: number, loc: number, scale: number): number {
  if (!(scale >= 0)) return NaN;
  if (x <= 0) return -Infinity;
  const logX = Math.log(x);
  return normalLogPdf(logX, loc, scale) - logX;
}

/** log Gamma(x | concentration, rate), density rate^a x^(a-1) e^(-rate x) / Gamma(a). */
export function gammaLogPdf(x: number, concentration: number, rate: number): number {
  if (!(concentration > 0) || !(rate > 0)) return NaN;
  if (x < 0 || x === Infinity) return -Infinity;
  if (x === 0) {
    // (a-1) log 0 is +Infinity, 0 or -Infinity depending on a; torch's xlogy makes it 0 at a = 1.
    if (concentration < 1) return Infinity;
    if (concentration > 1) return -Infinity;
    return Math.log(rate);
  }
  return concentration * Math.log(rate) + (concentration - 1) * Math.log(x) - rate * x - lgamma(concentration);
}

const LOG_2 = Math.log(2);
const LOG_PI = Math.log(Math.PI);

/**
 * log HalfNormal(x | scale) = log N(x | 0, scale) + log 2 on [0, inf) (torch's HalfNormal: the
 * normal folded onto the half line, so it integrates to 1 there); -Infinity below 0.
 */
export function halfNormalLogPdf(x: number, scale: number): number {
  if (!(scale > 0)) return NaN;
  if (x < 0) return -Infinity;
  return normalLogPdf(x, 0, scale) + LOG_2;
}

/**
 * log HalfCauchy(x | scale) = log 2 - log(pi scale) - log1p((x/scale)^2) on [0, inf) (torch's
 * HalfCauchy); -Infinity below 0. log1p keeps full accuracy for x much smaller than scale.
 */
export function halfCauchyLogPdf(x: number, scale: number): number {
  if (!(scale > 0)) return NaN;
  if (x < 0) return -Infinity;
  const z = x / scale;
  return LOG_2 - LOG_PI - Math.log(scale) - Math.log1p(z * z);
}

/** log Exponential(x | rate) = log(rate) - rate x on [0, inf); -Infinity below 0. */
export function exponentialLogPdf(x: number, rate: number): number {
  if (!(rate > 0)) return NaN;
  if (x < 0) return -Infinity;
  return Math.log(rate) - rate * x;
}

/**
 * log Uniform(x | low, high) = -log(high - low) on [low, high), -Infinity elsewhere: torch's Uniform,
 * whose log_prob is log(low <= x) + log(x < high) - log(high - low), so x = high is outside.
 */
export function uniformLogPdf(x: number, low: number, high: number): number {
  if (!(high > low)) return NaN;
  if (!(x >= low && x < high)) return -Infinity;
  return -Math.log(high - low);
}
