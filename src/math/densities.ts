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
