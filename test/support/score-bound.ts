/**
 * How far the GPU's score() may be from the float64 oracle: a float32 bound per site, from the
 * magnitudes of the terms of each element's log density.
 *
 * THE RULE: an element's log density is a few float32 operations on terms t_i and logarithms; each
 * operation rounds (relative u = 2^-24) and WGSL's log is held to 2^-21 absolute near 1 (3 ulp
 * elsewhere), so an element is off by at most 16 u Σ|t_i| + 2^-20 (Σ of the coefficients of its
 * logs); a site sums its elements in float32, adding count u Σ|terms|. Errors that an earlier step
 * magnifies are terms of their own (LogNormal: log x's error times |z| / scale). The likelihood
 * ('obs') is predict's per-sample log-likelihood of the point model, bounded by test/support/error-bound.ts.
 */
import { pointModel } from '../../src/infer/point-model.js';
import { lgamma } from '../../src/math/special.js';
import type { Model, SigmaPrior } from '../../src/model/spec.js';
import { sampleBounds, statisticBounds, U } from './error-bound.js';

/** [Σ|terms|, Σ coefficients of logs] of one element's log density. */
export type TermsOf = (value: number) => [terms: number, logs: number];

/** The float32 bound of a site's sum of log densities over `values`. */
export function siteBound(values: ArrayLike<number>, termsOf: TermsOf): number {
  let bound = 0;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const [terms, logs] = termsOf(values[i] ?? NaN);
    bound += 16 * U * terms + 2 ** -20 * logs;
    sum += terms;
  }
  return bound + values.length * U * sum;
}

/** log N(v | loc, s) = -0.5 z^2 - log s - log sqrt(2 pi). */
export const normalTerms =
  (loc: number, s: number): TermsOf =>
  (v) => [0.5 * ((v - loc) / s) ** 2 + Math.abs(Math.log(s)) + 0.92, 1];

/** The terms of each sigma prior's log density at x (the WGSL of shaders/lib/math.wgsl). */
export function sigmaPriorTerms(prior: SigmaPrior): TermsOf {
  if (prior.kind === undefined || prior.kind === 'gamma') {
    const { concentration: a, rate: r } = prior;
    // lgamma in float32 shifts a up to >= 8 and takes (x - 0.5) log x there: that product's rounding is a term.
    const lgammaTerms = Math.abs(lgamma(a)) + (a + 8) * Math.log(a + 8);
    return (x) => [Math.abs(a * Math.log(r)) + lgammaTerms + Math.abs((a - 1) * Math.log(x)) + r * x, Math.abs(a) + Math.abs(a - 1) + 2];
  }
  switch (prior.kind) {
    case 'lognormal': {
      const { loc, scale } = prior;
      return (x) => {
        const lx = Math.log(x);
        const z = (lx - loc) / scale;
        return [0.5 * z * z + Math.abs(Math.log(scale)) + 0.92 + Math.abs(lx) * (1 + Math.abs(z) / scale), 2 + Math.abs(z) / scale];
      };
    }
    case 'halfnormal':
      return (x) => [0.5 * (x / prior.scale) ** 2 + Math.abs(Math.log(prior.scale)) + 1.7, 1];
    case 'halfcauchy':
      return (x) => [Math.abs(Math.log(prior.scale)) + Math.log1p((x / prior.scale) ** 2) + 1.9, 3];
    case 'exponential':
      return (x) => [Math.abs(Math.log(prior.rate)) + prior.rate * x, 1];
    case 'uniform':
      return () => [Math.abs(Math.log(prior.high - prior.low)), 2];
  }
}

/** The bound of score()'s 'obs' at a point: the point model's per-sample log-likelihood bound. */
export function obsBound(model: Model, point: ReadonlyMap<string, Float32Array>, x: number[][], y: number[][]): number {
  const pm = pointModel(model, point);
  const bounds = statisticBounds(sampleBounds(pm, x, { samples: 1, seed: 0, path: 'joint' }), y, 1);
  return bounds.sampleLogLikelihood?.[0] ?? NaN;
}
