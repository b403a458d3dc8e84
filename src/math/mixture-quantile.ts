/**
 * Quantiles of a uniform mixture of normals in float64: the exact posterior predictive quantiles
 * of a Monte-Carlo sample (the float64 twin of shaders/infer/quantile.wgsl, which bisects the
 * same bracket in float32).
 */
import { normalCdf } from './special.js';

/** Bisection steps: 2^-40 of the bracket, below float32's resolution of it. */
export const QUANTILE_BISECTION_STEPS = 40;
/** The bracket reaches this many scales beyond the extreme components. */
export const QUANTILE_BRACKET_SCALES = 10;

/** Mixture CDF at y: (1/S) sum_s Phi((y - loc_s) / scale_s) over components at stride apart. */
export function mixtureCdf(y: number, loc: ArrayLike<number>, scale: ArrayLike<number>, count: number, offset = 0, stride = 1): number {
  let total = 0;
  for (let s = 0; s < count; s++) {
    const at = offset + s * stride;
    total += normalCdf((y - (loc[at] as number)) / (scale[at] as number));
  }
  return total / count;
}

/** Mixture density at y. */
export function mixturePdf(y: number, loc: ArrayLike<number>, scale: ArrayLike<number>, count: number, offset = 0, stride = 1): number {
  let total = 0;
  for (let s = 0; s < count; s++) {
    const at = offset + s * stride;
    const sc = scale[at] as number;
    const z = (y - (loc[at] as number)) / sc;
    total += Math.exp(-0.5 * z * z) / (sc * Math.sqrt(2 * Math.PI));
  }
  return total / count;
}

/**
 * The level-p quantile of the uniform mixture of N(loc_s, scale_s^2), s < count (components at
 * offset + s * stride), by bisection to float64 resolution.
 */
export function mixtureQuantile(level: number, loc: ArrayLike<number>, scale: ArrayLike<number>, count: number, offset = 0, stride = 1): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (let s = 0; s < count; s++) {
    const at = offset + s * stride;
    lo = Math.min(lo, (loc[at] as number) - QUANTILE_BRACKET_SCALES * (scale[at] as number));
    hi = Math.max(hi, (loc[at] as number) + QUANTILE_BRACKET_SCALES * (scale[at] as number));
  }
  for (let step = 0; step < 200 && hi - lo > 1e-15 * Math.max(Math.abs(lo), Math.abs(hi), 1e-300); step++) {
    const mid = 0.5 * (lo + hi);
    if (mixtureCdf(mid, loc, scale, count, offset, stride) < level) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}
