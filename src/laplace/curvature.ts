/**
 * What the likelihood contributes to the Laplace approximation at one row: its log-likelihood at
 * the MAP outputs f and Λ = the Hessian of −log p(y | f) with respect to f (the generalised
 * Gauss-Newton's middle factor, which is the Fisher for these exponential families):
 * - normal (global σ): Λ = 1/σ²; kept as Λ = 1 here and scaled by 1/σ² later, so σ can be tuned
 *   by the marginal likelihood without another pass over the data;
 * - normal with a heteroscedastic head (μ = f_0, σ = softplus(f_1) + 1e-3): the Fisher of N(μ, σ)
 *   in (f_0, f_1), diag(1/σ², 2 sigmoid(f_1)²/σ²) (I(σ) = 2/σ², chained through softplus' = sigmoid);
 * - categorical: diag(p) − p pᵀ with p = softmax(f);
 * - bernoulli: p (1 − p) with p = sigmoid(f).
 * Student-t, beta and dirichlet are refused (InvalidInputError): their Fisher through the links is
 * not implemented.
 */
import { InvalidInputError } from '../errors.js';
import { sigmoid, softplus } from '../math/activations.js';
import { normalLogPdf } from '../math/densities.js';
import { bernoulliLogLik, categoricalLogLik, softmax } from '../math/likelihoods.js';
import { ENSEMBLE_MIN_SCALE } from '../objective/constants.js';
import type { TrainLikelihoodInfo } from '../objective/likelihood.js';

/** The likelihoods the Laplace approximation takes. */
export const LAPLACE_LIKELIHOODS = ['normal', 'categorical', 'bernoulli'] as const;

/** InvalidInputError for a likelihood whose curvature is not implemented. */
export function checkLaplaceLikelihood(info: TrainLikelihoodInfo): void {
  if (!(LAPLACE_LIKELIHOODS as readonly string[]).includes(info.kind)) {
    throw new InvalidInputError(`the Laplace approximation supports the ${LAPLACE_LIKELIHOODS.join(', ')} likelihoods, not '${info.kind}'`);
  }
}

/** Whether Λ carries the global noise 1/σ² as a separate factor (a normal likelihood without a heteroscedastic head). */
export function globalNoise(info: TrainLikelihoodInfo): boolean {
  return info.kind === 'normal' && !info.heteroscedastic;
}

/**
 * Λ [K x K] (row-major) at outputs f: see the header. For a global-noise Normal it is 1 (the 1/σ²
 * is applied by the caller).
 */
export function rowCurvature(info: TrainLikelihoodInfo, f: Float64Array): Float64Array {
  const K = f.length;
  switch (info.kind) {
    case 'normal': {
      if (!info.heteroscedastic) return Float64Array.of(1);
      const raw = f[1] as number;
      const sigma = softplus(raw) + ENSEMBLE_MIN_SCALE;
      const s = sigmoid(raw);
      return Float64Array.of(1 / sigma ** 2, 0, 0, (2 * s * s) / sigma ** 2);
    }
    case 'categorical': {
      const p = softmax(f);
      const L = new Float64Array(K * K);
      for (let a = 0; a < K; a++) {
        for (let b = 0; b < K; b++) L[a * K + b] = (a === b ? (p[a] as number) : 0) - (p[a] as number) * (p[b] as number);
      }
      return L;
    }
    case 'bernoulli': {
      const p = sigmoid(f[0] as number);
      return Float64Array.of(p * (1 - p));
    }
    default:
      throw new InvalidInputError(`the Laplace approximation has no curvature for a '${info.kind}' likelihood`);
  }
}

/**
 * log p(y | f) of one row, y its targets (standardised for the normal). A global-noise Normal's is
 * left to the caller (it depends on σ): this returns the squared residual (y − f)² instead.
 */
export function rowFit(info: TrainLikelihoodInfo, f: Float64Array, y: number): number {
  switch (info.kind) {
    case 'normal':
      if (!info.heteroscedastic) return (y - (f[0] as number)) ** 2;
      return normalLogPdf(y, f[0] as number, softplus(f[1] as number) + ENSEMBLE_MIN_SCALE);
    case 'categorical':
      return categoricalLogLik(f, y);
    case 'bernoulli':
      return bernoulliLogLik(f[0] as number, y);
    default:
      throw new InvalidInputError(`the Laplace approximation has no curvature for a '${info.kind}' likelihood`);
  }
}

/** Σ_n log N(y_n | f_n, σ) from the sum of squared residuals over n rows. */
export function normalLogLik(sse: number, n: number, sigma: number): number {
  return -0.5 * n * Math.log(2 * Math.PI * sigma * sigma) - sse / (2 * sigma * sigma);
}
